// `npx tsx bench/herd.ts` (issue 6 "Restarts without a stampede"): 5,000 streams on an instance on
// PostgreSQL + Redis, SIGTERM, and the clients coming back on their `retry:` hints with
// Last-Event-ID to a fresh instance on the same database, while `/healthz` of the fresh one is
// timed every 20 ms on new connections. Prints the tables and appends them, with the target, the
// machine and the date, to bench/RESULTS.md (BENCH_NO_RECORD=1 skips that). The run is bounded:
// past BENCH_HERD_TIMEOUT_SECONDS it stops everything it started and fails.
//
// Knobs: BENCH_HERD_STREAMS (5000), BENCH_HERD_TIMEOUT_SECONDS (180), BENCH_HERD_PROFILE=dir for a
// CPU profile of the fresh instance. PostgreSQL and Redis are those of the e2e tests
// (BELFRY_TEST_DATABASE_URL, BELFRY_TEST_REDIS_URL; by default the local servers), in a fresh schema.

import { Agent } from 'node:http';
import { loadavg } from 'node:os';
import { createPostgresDatabase, requireRedis, type PostgresDatabase } from '../test/e2e/harness.ts';
import { checkLimits, machine } from './fanout-report.ts';
import { tables, targets } from './herd-report.ts';
import { runHerd, stopWithin, type HerdOptions, type HerdResources } from './herd-scenario.ts';
import { record } from './stats.ts';

function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!(value > 0)) throw new Error(`${name} must be a positive number`);
  return value;
}

const options: HerdOptions = {
  streams: positive('BENCH_HERD_STREAMS', 5000),
  // The listen backlog (511 in Node) drops the SYNs of a larger burst, and a dropped SYN is only sent again after a second.
  openWindow: 400,
  healthIntervalMs: 20,
  idleProbeMs: 3000,
  profileDir: process.env['BENCH_HERD_PROFILE'] || undefined,
};
const timeoutMs = positive('BENCH_HERD_TIMEOUT_SECONDS', 180) * 1000;
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

// One process holds every stream, and the fresh instance all of them again.
const limits = checkLimits(options.streams, 1);
progress(limits.summary);
await requireRedis();
const loadBefore = loadavg()[0]!.toFixed(2);
// One socket per stream, as browsers reconnecting after a restart would have.
const resources: HerdResources = { services: [], agent: new Agent({ keepAlive: false, maxSockets: Infinity }) };
let database: PostgresDatabase | undefined;
let deadline: ReturnType<typeof setTimeout> | undefined;
let failed = false;
try {
  database = await createPostgresDatabase();
  const result = await Promise.race([
    runHerd(database, options, resources, progress),
    new Promise<never>((_, reject) => {
      deadline = setTimeout(() => reject(new Error(`the run took longer than ${timeoutMs / 1000} s (BENCH_HERD_TIMEOUT_SECONDS)`)), timeoutMs);
    }),
  ]);
  const loadAfter = loadavg()[0]!.toFixed(2);
  const section = [
    `## ${new Date().toISOString()} — restart herd`,
    '',
    `Machine: ${machine()}; load average ${loadBefore} before the run, ${loadAfter} after. ${limits.summary}`,
    `Run: \`npx tsx bench/herd.ts\`. Two \`belfry-server serve\` processes (the bin, request log on, default rate limits) on one PostgreSQL schema with Redis; ` +
      `${options.streams} users, one stream each (node:http, a new connection per stream, ${options.openWindow} opening at once) on the old instance, one notification to each (so every client has an event id), then SIGTERM; ` +
      `every client waits out its \`retry:\` hint from the end of its stream and reconnects with Last-Event-ID to the fresh instance, started before the signal. ` +
      `\`/healthz\` of the fresh instance every ${options.healthIntervalMs} ms on a new connection from a process of its own: ${options.idleProbeMs / 1000} s while idle, then from SIGTERM until the last stream is back. ` +
      'RSS per stream: growth of the fresh instance over the herd, no forced GC. CPU per stream opened: user + system time of the instance over the phase (for the fresh one less its idle rate with the probe running), divided by the streams. ' +
      'Everything shares this machine\'s cores: both instances, the clients (one process), the prober, PostgreSQL and Redis.',
    '',
    tables(result),
    '',
    targets(result),
    '',
  ].join('\n');
  record(section);
} catch (error) {
  failed = true;
  progress(`failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  clearTimeout(deadline);
  resources.closed = true;
  resources.agent.destroy();
  resources.prober?.kill();
  await Promise.all(resources.services.map((service) => stopWithin(service, 15_000)));
  await database?.drop();
}
// A run cut short by the deadline may still have clients sleeping on their hints: nothing is left to wait for.
process.exit(failed ? 1 : 0);
