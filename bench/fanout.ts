// `npm run bench:fanout` (issue 6 "Speed and memory"): for 1,000, 5,000 and 10,000 connected
// streams, one user each, a bare node:http SSE broadcaster (the ceiling), the service on SQLite and
// the service on PostgreSQL + Redis each get one notification to every stream, 100 recipients per
// trigger. Prints a table and appends it, with the machine, the limits and the date, to
// bench/RESULTS.md (BENCH_NO_RECORD=1 skips that).
//
// Knobs: BENCH_FANOUT_SIZES (1000,5000,10000), BENCH_FANOUT_SERVERS (bare,sqlite,postgres),
// BENCH_FANOUT_CLIENT_PROCESSES (2), BENCH_FANOUT_CONCURRENCY (16 triggers in flight),
// BENCH_FANOUT_TIMEOUT_SECONDS (60), BENCH_DATABASE_URL, BENCH_REDIS_URL, and BENCH_FANOUT_SNAPSHOT=dir
// for heap snapshots of each server around the opening of the streams (see bench/fanout-heap.ts),
// BENCH_FANOUT_PROFILE=dir for a CPU profile of each server.

import { loadavg } from 'node:os';
import { checkLimits, machine, table, targets } from './fanout-report.ts';
import { runScenario } from './fanout-scenario.ts';
import type { FanoutServerKind, ScenarioResult } from './fanout-scenario.ts';
import { record } from './stats.ts';

const KINDS: readonly FanoutServerKind[] = ['bare', 'sqlite', 'postgres'];

function list(name: string, fallback: string): string[] {
  return (process.env[name] ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
}

function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!(value > 0)) throw new Error(`${name} must be a positive number`);
  return value;
}

const sizes = list('BENCH_FANOUT_SIZES', '1000,5000,10000').map(Number);
const kinds = list('BENCH_FANOUT_SERVERS', KINDS.join(',')) as FanoutServerKind[];
for (const kind of kinds) if (!KINDS.includes(kind)) throw new Error(`BENCH_FANOUT_SERVERS: unknown server ${kind}`);
const clientProcesses = positive('BENCH_FANOUT_CLIENT_PROCESSES', 2);
const concurrency = positive('BENCH_FANOUT_CONCURRENCY', 16);
const timeoutMs = positive('BENCH_FANOUT_TIMEOUT_SECONDS', 60) * 1000;
const snapshotDir = process.env['BENCH_FANOUT_SNAPSHOT'] || undefined;
const profileDir = process.env['BENCH_FANOUT_PROFILE'] || undefined;

// Fails before anything starts if a size needs more sockets than this machine allows.
const limits = checkLimits(Math.max(...sizes), clientProcesses);
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
progress(limits.summary);
const loadBefore = loadavg()[0]!.toFixed(2);
const results: ScenarioResult[] = [];
for (const streams of sizes) {
  for (const kind of kinds) {
    results.push(await runScenario({ kind, streams, clientProcesses, concurrency, timeoutMs, snapshotDir, profileDir }, progress));
    const r = results.at(-1)!;
    progress(`  ${Math.round(r.totalMs)} ms to all, p99 ${r.p99.toFixed(1)} ms, ${(r.rssPerStream / 1024).toFixed(1)} KB RSS per idle stream, ${r.missing} missing`);
  }
}

const section = [
  `## ${new Date().toISOString()} — fan-out`,
  '',
  `Machine: ${machine()}; load average before the run ${loadBefore}. ${limits.summary}`,
  `Run: one user per stream; ${clientProcesses} stream client processes (node:http, one keep-alive agent each, source addresses 127.0.0.2 and up), ` +
    `${concurrency} triggers in flight from a third process, 100 recipients per trigger, inline content; the service with rate limits off and its request log on (to /dev/null), ` +
    `SQLite in a temp dir, PostgreSQL in a fresh schema with a pool of 10 and Redis pub/sub with a fresh channel prefix. ` +
    `One warm-up round (a notification to every stream), then the measured round. Latency: trigger sent -> frame parsed by the client. Memory: (after - before) / streams, each after a forced GC, ` +
    `around the opening of all but the first 100 streams per client process.`,
  '',
  table(results),
  '',
  targets(results),
  '',
].join('\n');
record(section);
