/**
 * hclog-style JSON lines on stderr, which go-plugin re-logs at the right level inside Grafana.
 * `@timestamp` must carry exactly six fractional digits (Go's `.000000`), or go-plugin logs the
 * line verbatim at debug level.
 */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Formats an epoch time in microseconds as RFC 3339 with exactly six fractional digits. */
export function formatMicroTimestamp(epochMicros: number): string {
  const millis = Math.floor(epochMicros / 1000);
  const micros = Math.floor(epochMicros % 1_000_000)
    .toString()
    .padStart(6, '0');
  return `${new Date(millis).toISOString().slice(0, 19)}.${micros}Z`;
}

function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

/** One log line as go-plugin expects it; `@`-keys cannot be overwritten by fields. */
export function formatLogLine(
  level: LogLevel,
  message: string,
  fields: LogFields = {},
  epochMicros = nowMicros()
): string {
  const entry: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    entry[key] = value instanceof Error ? value.message : value;
  }
  entry['@level'] = level;
  entry['@message'] = message;
  entry['@timestamp'] = formatMicroTimestamp(epochMicros);
  entry['@module'] = 'agentmemory';
  return JSON.stringify(entry);
}

export function createLogger(write: (line: string) => void = (line) => process.stderr.write(line + '\n')): Logger {
  const at = (level: LogLevel) => (message: string, fields?: LogFields) => write(formatLogLine(level, message, fields));
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
