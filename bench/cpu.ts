// CPU time per request, in-process (`app.request`, no sockets): a steadier number than the HTTP
// benchmark on a shared machine, since it counts this process's CPU rather than wall-clock rate.
// Use it to compare changes to the trigger path; `npm run bench` remains the measure of record.
//   npx tsx bench/cpu.ts            (BENCH_CPU_ROUNDS=n to change the request count)
//   node --cpu-prof --import tsx bench/cpu.ts   (a profile of the same work)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, createMemoryBus, openStorage } from '../server/src/index.ts';
import { BENCH_API_KEY, BENCH_API_SECRET } from './credentials.ts';

const USERS = 1000;
const ROUNDS = Number(process.env['BENCH_CPU_ROUNDS'] ?? 2000);

const dir = mkdtempSync(join(tmpdir(), 'belfry-cpu-'));
const storage = await openStorage(`sqlite:${join(dir, 'bench.db')}`);
await storage.ensureApp({ apiKey: BENCH_API_KEY, apiSecret: BENCH_API_SECRET });
const app = createApp({ storage, bus: createMemoryBus(), rateLimits: false, log: () => {} });
const headers = { 'X-API-Key': BENCH_API_KEY, 'X-API-Secret': BENCH_API_SECRET, 'Content-Type': 'application/json' };

const trigger = (recipients: string[]) =>
  JSON.stringify({
    notification: { title: 'Hello <<recipient.firstName>>', message: 'Your order **#<<data.order>>** shipped', category: 'orders' },
    data: { order: 42 },
    sendTo: { recipients },
  });

async function perRequest(name: string, rounds: number, request: (i: number) => Promise<Response> | Response): Promise<void> {
  for (let i = 0; i < Math.min(200, rounds); i++) await request(i);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < rounds; i++) {
    const response = await request(i);
    if (response.status >= 300) throw new Error(`${name} answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  }
  const used = process.cpuUsage(cpu);
  const ms = (used.user + used.system) / 1000 / rounds;
  process.stdout.write(`${name.padEnd(28)} ${ms.toFixed(3)} ms CPU/request, ${((performance.now() - started) / rounds).toFixed(3)} ms wall\n`);
}

try {
  for (let i = 0; i < USERS; i++) {
    await app.request(`/v1/users/u-${i}`, { method: 'PUT', headers, body: JSON.stringify({ firstName: `User ${i}` }) });
  }
  await perRequest('GET /healthz', ROUNDS, () => app.request('/healthz'));
  await perRequest('trigger, 1 recipient', ROUNDS, (i) =>
    app.request('/v1/notifications', { method: 'POST', headers, body: trigger([`u-${i % USERS}`]) }),
  );
  if (!process.env['ONLY_SINGLE']) await perRequest('trigger, 100 recipients', Math.ceil(ROUNDS / 20), (i) =>
    app.request('/v1/notifications', { method: 'POST', headers, body: trigger(Array.from({ length: 100 }, (_, k) => `u-${(i + k) % USERS}`)) }),
  );
} finally {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}
