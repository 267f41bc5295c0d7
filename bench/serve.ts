// A server for the benchmark, in its own process so it does not share a CPU with the load:
// `empty` is a bare Hono route on @hono/node-server (the ceiling), `belfry` the real service on a
// SQLite file. Prints one JSON line with its URL, then runs until SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { createServer } from '../server/src/index.ts';
import { createJsonLog } from '../server/src/log.ts';
import { BENCH_API_KEY, BENCH_API_SECRET } from './credentials.ts';

async function main(kind: string): Promise<void> {
  let close: () => Promise<void>;
  let url: string;
  if (kind === 'empty') {
    const app = new Hono();
    app.post('/empty', (c) => c.json({ ok: true }));
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  } else if (kind === 'belfry') {
    const dir = mkdtempSync(join(tmpdir(), 'belfry-bench-'));
    const server = await createServer({
      databaseUrl: `sqlite:${join(dir, 'bench.db')}`,
      port: 0,
      apiKey: BENCH_API_KEY,
      apiSecret: BENCH_API_SECRET,
      // Limits are for tenants, not for measuring the trigger path: the load uses one key.
      rateLimits: false,
      // The request log stays on, as in production; the parent sends stderr to /dev/null.
      log: createJsonLog((line) => process.stderr.write(line)),
    });
    url = server.url;
    close = async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    };
  } else {
    throw new Error(`unknown server kind: ${kind}`);
  }
  process.once('SIGTERM', () => void close().then(() => process.exit(0)));
  process.stdout.write(`${JSON.stringify({ url, pid: process.pid })}\n`);
}

await main(process.argv[2] ?? '');
