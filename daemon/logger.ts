/**
 * JSON-line logging to a writable (stderr in the daemon). stdout is the protocol, so nothing here
 * may ever write there. Secrets registered with `redact` are scrubbed from every line.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Never print this value; replaces it with "***" wherever it appears. */
  redact(secret: string | undefined): void;
}

export function createLogger(write: (line: string) => void, now: () => Date = () => new Date()): Logger {
  const secrets = new Set<string>();
  const scrub = (text: string): string => {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join('***');
    return out;
  };
  const log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    const entry = { time: now().toISOString(), level, message, ...fields };
    let line: string;
    try {
      line = JSON.stringify(entry, (_key, value) => (value instanceof Error ? value.message : value));
    } catch {
      line = JSON.stringify({ time: entry.time, level, message });
    }
    write(`${scrub(line)}\n`);
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    redact: (secret) => {
      // Very short values would scrub ordinary words; real keys are long.
      if (secret && secret.length >= 8) secrets.add(secret);
    },
  };
}
