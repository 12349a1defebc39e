/**
 * go-plugin's launch contract, as Grafana uses it: a magic cookie in the environment, protocol
 * version negotiation, and one handshake line on stdout naming the socket we listen on.
 */
export const MAGIC_COOKIE_KEY = 'grafana_plugin_type';
export const MAGIC_COOKIE_VALUE = 'datasource';
export const CORE_PROTOCOL_VERSION = 1;
export const APP_PROTOCOL_VERSION = 2;

export type Negotiation =
  { ok: true; version: number; socketDir: string | undefined } | { ok: false; exitCode: number; message: string };

/** Decides, from the environment alone, whether and how to start. Pure, so it is unit tested. */
export function negotiate(env: NodeJS.ProcessEnv): Negotiation {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    return {
      ok: false,
      exitCode: 1,
      message:
        'This binary is a Grafana backend plugin (memstack-agentmemory-datasource). It is not meant to be run ' +
        'directly: Grafana starts it. To try it, install the app plugin into Grafana.',
    };
  }
  if (env.PLUGIN_CLIENT_CERT) {
    return {
      ok: false,
      exitCode: 1,
      message:
        'PLUGIN_CLIENT_CERT is set, but this plugin does not implement go-plugin AutoMTLS; Grafana never sets it.',
    };
  }
  const offered = (env.PLUGIN_PROTOCOL_VERSIONS ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (offered.length > 0 && !offered.includes(String(APP_PROTOCOL_VERSION))) {
    return {
      ok: false,
      exitCode: 1,
      message: `Grafana offered plugin protocol versions ${offered.join(',')}, this plugin speaks only ${APP_PROTOCOL_VERSION}`,
    };
  }
  return { ok: true, version: APP_PROTOCOL_VERSION, socketDir: env.PLUGIN_UNIX_SOCKET_DIR || undefined };
}

/** The single stdout line go-plugin reads: `CORE|APP|NETWORK|ADDR|PROTOCOL`. */
export function handshakeLine(version: number, socketPath: string): string {
  return `${CORE_PROTOCOL_VERSION}|${version}|unix|${socketPath}|grpc\n`;
}
