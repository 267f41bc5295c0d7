// `belfry-server serve`: options from flags and BELFRY_* variables (design §10).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createJsonLog } from './log.ts';
import { createServer, DEFAULT_DATABASE_URL, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SHUTDOWN_GRACE_MS } from './server.ts';

// The last resort on shutdown: past the grace period connections are cut, so only a hang
// elsewhere (storage, bus) can reach this; the process then exits 1 rather than never.
const SHUTDOWN_DEADLINE_MS = DEFAULT_SHUTDOWN_GRACE_MS + 1500;

/** Usage text of `belfry-server --help`. */
export const USAGE = `Usage: belfry-server serve [--port N] [--host H] [--database URL] [--redis URL] [--app-name NAME]

Runs the Belfry notification service.

Options:
  --port N          port to listen on; 0 picks a free one   (env BELFRY_PORT, default ${DEFAULT_PORT})
  --host H          interface to listen on                  (env BELFRY_HOST, default ${DEFAULT_HOST})
  --database URL    sqlite:./file.db, sqlite::memory:, a path, or postgres://user@host/db[?schema=s]
                                                            (env BELFRY_DATABASE_URL, default ${DEFAULT_DATABASE_URL})
  --redis URL       redis://host:6379 to carry realtime pokes between instances
                                                            (env BELFRY_REDIS_URL; default: one process, no Redis)
  --app-name NAME   the app's display name, <<app.name>> in templates; 1-100 characters
                                                            (env BELFRY_APP_NAME; default: unset, or as stored)
  -h, --help        show this help

Environment:
  BELFRY_API_KEY, BELFRY_API_SECRET   make sure an app with exactly these credentials exists
  BELFRY_SECURE_MODE=1                that app requires user tokens
  BELFRY_SIGNING_SECRET               HS256 key for that app's user tokens (not the API secret)
  BELFRY_SIGNING_PUBLIC_KEY           PEM public key (RSA: RS256, EC P-256: ES256) for user tokens,
                                      or the path of a file holding it
  BELFRY_ALLOW_NON_EXPIRING_TOKENS=1  accept user tokens without exp (Engagespot SDK tokens)
Without credentials, a development app is created on first start and its credentials printed once.

Logs go to stderr as JSON lines, one per request among them. SIGTERM or SIGINT shuts down
gracefully: no new connections, requests in flight finish (up to ${DEFAULT_SHUTDOWN_GRACE_MS / 1000} s), event streams get a
random reconnect delay (SSE "retry:", 0-20 s) and end; a second signal exits at once.
`;

/** Where the CLI writes; injectable for tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new Error(`invalid port: ${value}`);
  return port;
}

/** Runs the CLI; resolves with the exit code once the server has stopped (or at once on errors). */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: CliIo = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        database: { type: 'string' },
        redis: { type: 'string' },
        'app-name': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.stderr(`belfry-server: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'serve') {
    io.stderr(USAGE);
    return 2;
  }

  const signals = watchSignals();
  try {
    return await serve(values, env, io, signals);
  } finally {
    signals.dispose();
  }
}

// A PEM can be given inline (multi-line environment values are awkward) or as a file path.
function readPem(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return value.trimStart().startsWith('-----BEGIN') ? value : readFileSync(value, 'utf8');
}

/** SIGTERM/SIGINT as a queue, so none is missed between awaits. */
interface SignalQueue {
  next(): Promise<NodeJS.Signals>;
  dispose(): void;
}

// The handlers go in before anything is printed: a supervisor may signal as soon as it reads the
// first line, and a signal that arrives before its handler exists kills the process outright.
function watchSignals(): SignalQueue {
  const pending: NodeJS.Signals[] = [];
  const waiting: ((signal: NodeJS.Signals) => void)[] = [];
  const onSignal = (signal: NodeJS.Signals) => {
    const waiter = waiting.shift();
    if (waiter) waiter(signal);
    else pending.push(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    next: () => (pending.length > 0 ? Promise.resolve(pending.shift()!) : new Promise((resolve) => waiting.push(resolve))),
    dispose() {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}

async function serve(values: { port?: string; host?: string; database?: string; redis?: string; 'app-name'?: string }, env: NodeJS.ProcessEnv, io: CliIo, signals: SignalQueue): Promise<number> {
  const log = createJsonLog(io.stderr);
  let server;
  try {
    server = await createServer({
      log,
      port: parsePort(values.port ?? env['BELFRY_PORT'] ?? String(DEFAULT_PORT)),
      host: values.host ?? env['BELFRY_HOST'] ?? DEFAULT_HOST,
      databaseUrl: values.database ?? env['BELFRY_DATABASE_URL'] ?? DEFAULT_DATABASE_URL,
      apiKey: env['BELFRY_API_KEY'] || undefined,
      apiSecret: env['BELFRY_API_SECRET'] || undefined,
      secureMode: env['BELFRY_SECURE_MODE'] === '1' ? true : undefined,
      signingSecret: env['BELFRY_SIGNING_SECRET'] || undefined,
      signingPublicKey: readPem(env['BELFRY_SIGNING_PUBLIC_KEY']),
      allowNonExpiringTokens: env['BELFRY_ALLOW_NON_EXPIRING_TOKENS'] === '1' ? true : undefined,
      appName: values['app-name'] ?? (env['BELFRY_APP_NAME'] || undefined),
      redisUrl: values.redis ?? (env['BELFRY_REDIS_URL'] || null),
    });
  } catch (error) {
    io.stderr(`belfry-server: ${(error as Error).message}\n`);
    return 1;
  }

  // Tools wait for this exact first line (design §10).
  io.stdout(`belfry-server listening on ${server.url}\n`);
  if (server.app.created) {
    io.stdout(
      `Created a development app. Its secret is shown only this once:\n` +
        `  BELFRY_API_KEY=${server.app.apiKey}\n  BELFRY_API_SECRET=${server.app.apiSecret}\n`,
    );
  }

  const signal = await signals.next();
  log('info', 'shutting down', { signal });
  const closed = server.close().then(
    () => 0,
    (error: unknown) => {
      io.stderr(`belfry-server: error while closing: ${(error as Error).message}\n`);
      return 1;
    },
  );
  // A second signal while closing means "now": give up on the graceful path.
  const forced = signals.next().then(() => {
    io.stderr('belfry-server: second signal, exiting at once\n');
    return 1;
  });
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<number>((resolve) => {
    deadline = setTimeout(() => {
      io.stderr('belfry-server: shutdown did not finish in time, exiting\n');
      resolve(1);
    }, SHUTDOWN_DEADLINE_MS);
  });
  try {
    return await Promise.race([closed, forced, late]);
  } finally {
    clearTimeout(deadline);
  }
}
