import { handshakeLine, negotiate } from './handshake';

const cookie = { grafana_plugin_type: 'datasource' };

describe('go-plugin handshake negotiation', () => {
  it('refuses to start without the magic cookie, with a human message', () => {
    const result = negotiate({});
    expect(result).toMatchObject({ ok: false, exitCode: 1 });
    expect(!result.ok && result.message).toContain('not meant to be run directly');
  });

  it('chooses protocol 2 when offered or when the list is missing', () => {
    expect(negotiate({ ...cookie, PLUGIN_PROTOCOL_VERSIONS: '1,2' })).toMatchObject({ ok: true, version: 2 });
    expect(negotiate({ ...cookie })).toMatchObject({ ok: true, version: 2 });
  });

  it('refuses versions it does not speak, and AutoMTLS', () => {
    expect(negotiate({ ...cookie, PLUGIN_PROTOCOL_VERSIONS: '1' })).toMatchObject({ ok: false });
    expect(negotiate({ ...cookie, PLUGIN_CLIENT_CERT: 'pem' })).toMatchObject({ ok: false });
  });

  it('uses PLUGIN_UNIX_SOCKET_DIR when Grafana runs plugins in containers', () => {
    expect(negotiate({ ...cookie, PLUGIN_UNIX_SOCKET_DIR: '/run/p' })).toMatchObject({ socketDir: '/run/p' });
  });

  it('prints exactly one line in go-plugin format', () => {
    expect(handshakeLine(2, '/tmp/plugin1/a.sock')).toBe('1|2|unix|/tmp/plugin1/a.sock|grpc\n');
  });
});
