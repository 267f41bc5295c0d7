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
  // Field names already checked against SECRET_FIELD; they come from code, so the set stays small.
  const safeNames = new Set<string>();
  // True when no field needs the replacer: every value a string, number, boolean or null under a
  // name that is not secret-like. The request log's line is always such a line, and
  // JSON.stringify without a replacer function takes half the time.
  const plain = (fields: Record<string, unknown> | undefined): boolean => {
    for (const name in fields) {
      const value = fields[name];
      const type = typeof value;
      if (value !== null && type !== 'string' && type !== 'number' && type !== 'boolean') return false;
      if (safeNames.has(name)) continue;
      if (SECRET_FIELD.test(name)) return false;
      if (safeNames.size < 1024) safeNames.add(name);
    }
    return true;
  };
  return (level, message, fields) => {
    const entry = { time: now().toISOString(), level, msg: message, ...fields };
    let line: string;
    try {
      line = plain(fields) ? JSON.stringify(entry) : JSON.stringify(entry, toJsonValue);
    } catch {
      // A circular field must not cost the line: keep what is certainly serialisable.
      line = JSON.stringify({ time: entry.time, level, msg: message, logError: 'fields could not be serialised' });
    }
    write(`${line}\n`);
  };
}
