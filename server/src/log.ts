// Logging is injected so tests stay quiet and operators can plug in their own sink.

/** How serious a log entry is. */
export type LogLevel = 'info' | 'warn' | 'error';

/** Writes one log entry; `fields` carries structured context such as the error. */
export type Log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

/** The default log: one line per entry on stderr, with the stack of an `error` field. */
export const consoleLog: Log = (level, message, fields) => {
  const error = fields?.['error'];
  const detail = error instanceof Error ? `\n${error.stack ?? error.message}` : '';
  process.stderr.write(`belfry-server ${level}: ${message}${detail}\n`);
};

// Field names whose values never reach a log line, whoever passes them: a second line of defence
// behind the request log, which only ever collects fields known to be safe.
const SECRET_FIELD = /secret|token|password|authorization|api-?key|cookie|signature|private/i;

function toJsonValue(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_FIELD.test(key) && value !== null && value !== undefined) return '[redacted]';
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/**
 * A log writing one JSON object per line (`time`, `level`, `msg`, then the fields), for log
 * shippers. Errors become `{name, message, stack}`; fields named like secrets are redacted.
 * @example
 * const log = createJsonLog((line) => process.stderr.write(line));
 * log('info', 'request', { method: 'GET', status: 200 });
 */
export function createJsonLog(write: (line: string) => void, now: () => Date = () => new Date()): Log {
  return (level, message, fields) => {
    const entry = { time: now().toISOString(), level, msg: message, ...fields };
    let line: string;
    try {
      line = JSON.stringify(entry, toJsonValue);
    } catch {
      // A circular field must not cost the line: keep what is certainly serialisable.
      line = JSON.stringify({ time: entry.time, level, msg: message, logError: 'fields could not be serialised' });
    }
    write(`${line}\n`);
  };
}
