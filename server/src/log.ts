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
