// The trigger benchmark (issue 3 "Speed"): an empty Hono route as the ceiling, then single- and
// 100-recipient triggers on SQLite, then 100-recipient triggers at half their peak rate for p99.
// Each server runs in its own process on loopback; everything started here is stopped here.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { closedLoop, latencySummary, openLoop } from './load.ts';
import type { LoadResult, RequestSpec } from './load.ts';
import { BENCH_API_KEY, BENCH_API_SECRET } from './credentials.ts';
import { processCpuSeconds } from './stats.ts';

/** Knobs of a run (environment: BENCH_CLIENTS, BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_USERS, BENCH_PROFILE). */
export interface TriggerBenchOptions {
  clients: number;
  seconds: number;
  warmupSeconds: number;
  users: number;
  /** A directory for a CPU profile of the service (`node --cpu-prof`), or undefined. */
  profileDir?: string;
}

/** One row of the results table. */
export interface BenchRow {
  scenario: string;
  load: string;
  requestsPerSecond: number;
  notificationsPerSecond: number | null;
  p50: number;
  p99: number;
  serverCpu: number;
  /** Server CPU time per answered request, in ms: steadier than req/s when other work shares the cores. */
  serverCpuMsPerRequest: number;
  clientCpu: number;
  errors: number;
}

/** Everything one run measured, with the targets checked. */
export interface TriggerBenchResult {
  options: TriggerBenchOptions;
  rows: BenchRow[];
  targets: { name: string; value: string; met: boolean }[];
  /** Server CPU per single-recipient trigger as a multiple of the empty route's, or NaN. */
  cpuRatio: number;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RECIPIENTS = 100;

/** A benchmark service process (bench/serve.ts) and how to stop it. */
export interface BenchServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts bench/serve.ts `kind` in a process of its own (`belfry`: the real service, rate limits off); resolves once it listens. */
export function startServer(kind: 'empty' | 'belfry', profileDir: string | undefined): Promise<BenchServer> {
  // With BENCH_PROFILE=dir the service writes a V8 CPU profile there when it exits.
  const profile = profileDir && kind === 'belfry' ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  // stderr goes to /dev/null: the service's request log is written, as in production, not kept.
  const child: ChildProcess = spawn(process.execPath, [...profile, '--import', 'tsx', 'bench/serve.ts', kind], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = () => reject(new Error(`the ${kind} server exited before listening: ${out}`));
    child.once('exit', fail);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      child.off('exit', fail);
      const { url, pid } = JSON.parse(out.slice(0, newline)) as { url: string; pid: number };
      resolve({
        url,
        pid,
        async stop() {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        },
      });
    });
  });
}

async function measure(pid: number, run: () => Promise<LoadResult>): Promise<{ result: LoadResult; serverCpuSeconds: number }> {
  const before = processCpuSeconds(pid);
  const result = await run();
  return { result, serverCpuSeconds: processCpuSeconds(pid) - before };
}

function row(scenario: string, load: string, measured: { result: LoadResult; serverCpuSeconds: number }, perRequest: number | null): BenchRow {
  const { result } = measured;
  const requestsPerSecond = result.requests / result.seconds;
  return {
    scenario,
    load,
    requestsPerSecond,
    notificationsPerSecond: perRequest === null ? null : requestsPerSecond * perRequest,
    ...latencySummary(result),
    serverCpu: measured.serverCpuSeconds / result.seconds,
    serverCpuMsPerRequest: result.requests > 0 ? (measured.serverCpuSeconds * 1000) / result.requests : NaN,
    clientCpu: result.clientCpuSeconds / result.seconds,
    errors: result.errors,
  };
}

function triggerBody(recipients: string[]): string {
  return JSON.stringify({
    notification: { title: 'Hello <<recipient.firstName>>', message: 'Your order **#<<data.order>>** shipped', category: 'orders' },
    data: { order: 42 },
    sendTo: { recipients },
  });
}

async function createUsers(url: string, count: number): Promise<void> {
  const headers = { 'X-API-Key': BENCH_API_KEY, 'X-API-Secret': BENCH_API_SECRET, 'Content-Type': 'application/json' };
  for (let start = 0; start < count; start += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - start) }, async (_, k) => {
        const response = await fetch(`${url}/v1/users/u-${start + k}`, { method: 'PUT', headers, body: JSON.stringify({ firstName: `User ${start + k}` }) });
        if (response.status !== 200) throw new Error(`creating a user answered ${response.status}: ${await response.text()}`);
      }),
    );
  }
}

/** Reads the options from the environment, with defaults that finish in about half a minute. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): TriggerBenchOptions {
  const number = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!(value > 0)) throw new Error(`${name} must be a positive number`);
    return value;
  };
  return { clients: number('BENCH_CLIENTS', 16), seconds: number('BENCH_SECONDS', 5), warmupSeconds: number('BENCH_WARMUP_SECONDS', 1), users: Math.max(RECIPIENTS, number('BENCH_USERS', 1000)), profileDir: env['BENCH_PROFILE'] || undefined };
}

/** Runs every scenario and checks the targets. */
export async function runTriggerBench(options: TriggerBenchOptions, progress: (line: string) => void = () => {}): Promise<TriggerBenchResult> {
  const rows: BenchRow[] = [];
  const closed = { clients: options.clients, seconds: options.seconds, warmupSeconds: options.warmupSeconds };
  const load = `${options.clients} clients`;
  const singleBodies = Array.from({ length: options.users }, (_, i) => triggerBody([`u-${i}`]));
  const hundredBodies = Array.from({ length: options.users }, (_, i) => triggerBody(Array.from({ length: RECIPIENTS }, (_, k) => `u-${(i + k) % options.users}`)));
  const triggerSpec = (url: string, bodies: string[]): RequestSpec => ({
    url,
    path: '/v1/notifications',
    headers: { 'X-API-Key': BENCH_API_KEY, 'X-API-Secret': BENCH_API_SECRET, 'Content-Type': 'application/json' },
    body: (i) => bodies[i % bodies.length]!,
    status: 202,
  });

  progress('empty Hono route (ceiling)...');
  const empty = await startServer('empty', undefined);
  try {
    const spec: RequestSpec = { url: empty.url, path: '/empty', headers: { 'Content-Type': 'application/json' }, body: (i) => singleBodies[i % singleBodies.length]!, status: 200 };
    rows.push(row('empty Hono route', load, await measure(empty.pid, () => closedLoop(spec, closed)), null));
  } finally {
    await empty.stop();
  }

  const belfry = await startServer('belfry', options.profileDir);
  try {
    progress(`creating ${options.users} users...`);
    await createUsers(belfry.url, options.users);
    progress('single-recipient triggers...');
    rows.push(row('trigger, 1 recipient', load, await measure(belfry.pid, () => closedLoop(triggerSpec(belfry.url, singleBodies), closed)), 1));
    progress(`${RECIPIENTS}-recipient triggers...`);
    const hundred = row(`trigger, ${RECIPIENTS} recipients`, load, await measure(belfry.pid, () => closedLoop(triggerSpec(belfry.url, hundredBodies), closed)), RECIPIENTS);
    rows.push(hundred);
    const halfRate = Math.max(1, Math.round(hundred.requestsPerSecond / 2));
    progress(`${RECIPIENTS}-recipient triggers at ${halfRate}/s (half load)...`);
    const half = await measure(belfry.pid, () => openLoop(triggerSpec(belfry.url, hundredBodies), { rate: halfRate, seconds: options.seconds, maxSockets: 256 }));
    rows.push(row(`trigger, ${RECIPIENTS} recipients`, `${halfRate}/s (half)`, half, RECIPIENTS));
  } finally {
    await belfry.stop();
  }

  const [ceiling, single, hundred, half] = rows as [BenchRow, BenchRow, BenchRow, BenchRow];
  const ratio = single.requestsPerSecond / ceiling.requestsPerSecond;
  const targets = [
    { name: 'single-recipient rate >= 50% of the empty route', value: `${(ratio * 100).toFixed(0)} %`, met: ratio >= 0.5 },
    { name: `${RECIPIENTS}-recipient triggers >= 10,000 notifications/s`, value: `${Math.round(hundred.notificationsPerSecond!)} /s`, met: hundred.notificationsPerSecond! >= 10_000 },
    { name: 'p99 at half that load < 50 ms', value: `${half.p99.toFixed(1)} ms`, met: half.p99 < 50 },
    { name: 'no failed requests', value: String(rows.reduce((n, r) => n + r.errors, 0)), met: rows.every((r) => r.errors === 0) },
  ];
  return { options, rows, targets, cpuRatio: single.serverCpuMsPerRequest / ceiling.serverCpuMsPerRequest };
}
