// A server for the fan-out benchmark, in its own process: `bare` is a node:http SSE broadcaster
// (the ceiling), `sqlite` the real service on a SQLite file, `postgres` the real service on
// PostgreSQL + Redis. Started with an IPC channel: it sends `{type: 'listening', url}`, answers
// `{type: 'memory'}` (after a forced GC, so run it with --expose-gc), `{type: 'snapshot'}` (writes a
// heap snapshot, to find what a stream holds) and `{type: 'streams'}`, and stops on `{type: 'stop'}`
// or SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';
import pg from 'pg';
import { openBus } from '../server/src/bus/index.ts';
import { createServer } from '../server/src/index.ts';
import { createJsonLog } from '../server/src/log.ts';
import { BENCH_API_KEY, BENCH_API_SECRET } from './credentials.ts';
import { startBareBroadcaster } from './fanout-bare.ts';
import type { MemorySample, ServeRequest } from './fanout-protocol.ts';

interface Running {
  url: string;
  openStreams(): number;
  close(): Promise<void>;
}

const gc = (globalThis as { gc?: () => void }).gc;

// Twice, with a turn of the event loop in between: objects released by finalizers of the first
// collection (closed sockets, weak callbacks) go in the second.
async function collect(): Promise<MemorySample> {
  for (let i = 0; i < 2; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}

async function startBelfry(kind: 'sqlite' | 'postgres'): Promise<Running> {
  const common = {
    port: 0,
    apiKey: BENCH_API_KEY,
    apiSecret: BENCH_API_SECRET,
    // Limits are for tenants; one key opens every stream here.
    rateLimits: false as const,
    // The request log stays on, as in production; the parent sends stderr to /dev/null.
    log: createJsonLog((line) => process.stderr.write(line)),
  };
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'belfry-fanout-'));
    const server = await createServer({ ...common, databaseUrl: `sqlite:${join(dir, 'bench.db')}` });
    return {
      url: server.url,
      openStreams: () => server.hub.openStreams,
      async close() {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  // A schema and a channel prefix of its own, so runs never meet other data or other pokes.
  const databaseUrl = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const redisUrl = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const schema = `bench_fanout_${process.pid}`;
  const bus = await openBus(redisUrl, { prefix: `belfry-bench-${process.pid}:` });
  const server = await createServer({ ...common, databaseUrl: `${databaseUrl}${databaseUrl.includes('?') ? '&' : '?'}schema=${schema}`, bus });
  return {
    url: server.url,
    openStreams: () => server.hub.openStreams,
    async close() {
      await server.close();
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

async function main(kind: string): Promise<void> {
  if (!process.send) throw new Error('start this with an IPC channel (child_process.fork)');
  let running: Running;
  if (kind === 'bare') running = await startBareBroadcaster();
  else if (kind === 'sqlite' || kind === 'postgres') running = await startBelfry(kind);
  else throw new Error(`unknown server kind: ${kind}`);

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= running.close().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop());
  process.on('message', (message: ServeRequest) => {
    if (message.type === 'memory') void collect().then((sample) => process.send!({ type: 'memory', sample }));
    else if (message.type === 'snapshot') void collect().then(() => process.send!({ type: 'snapshot', path: writeHeapSnapshot(message.path) }));
    else if (message.type === 'streams') process.send!({ type: 'streams', count: running.openStreams() });
    else if (message.type === 'stop') void stop();
  });
  // The parent going away must not leave a server behind.
  process.once('disconnect', () => void stop());
  process.send({ type: 'listening', url: running.url, pid: process.pid });
}

await main(process.argv[2] ?? '');
