// One restart under a herd of streams (issue 6 "Restarts without a stampede"), measured: an old
// instance on PostgreSQL + Redis holds one stream per user; a fresh instance on the same database
// waits, as in a rolling deploy behind a load balancer. The old one gets SIGTERM; every client
// waits out its `retry:` hint and reconnects with Last-Event-ID to the fresh one, while a prober
// in its own process times `/healthz` of the fresh one on new connections.
// The services are the `belfry-server` bin, started and stopped by the e2e harness.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStorage } from '../server/src/storage/index.ts';
import { createClient } from '../src/node/index.ts';
import {
  TEST_APP,
  TEST_REDIS_URL,
  lastEventId,
  openEventStream,
  openEventStreams,
  reconnectHint,
  startService,
  streamsOpen,
  type EventStreamClient,
  type PostgresDatabase,
  type RunningService,
} from '../test/e2e/harness.ts';
import type { HealthReply, HealthRequest } from './herd-health.ts';

/** Knobs of one run. */
export interface HerdOptions {
  streams: number;
  /** Stream requests in flight at once while filling the old instance. */
  openWindow: number;
  /** Milliseconds between two `/healthz` checks. */
  healthIntervalMs: number;
  /** How long the fresh instance is probed while idle, for comparison. */
  idleProbeMs: number;
  /** A directory for a CPU profile of the fresh instance (`--cpu-prof`), or undefined. */
  profileDir?: string;
}

/** `/healthz` answer times of one phase, when each of those checks started (ms into the phase), and the failures. */
export interface HealthSamples {
  latencies: number[];
  startedAt: number[];
  failures: string[];
}

/** What one run measured. */
export interface HerdResult {
  streams: number;
  fillMs: number;
  /** From SIGTERM to the old instance's exit, and how it exited. */
  exitMs: number;
  exitCode: number | null;
  /** Streams that ended without a `retry:` hint (they reconnect at once). */
  withoutHint: number;
  /** From SIGTERM to the last stream back on the fresh instance. */
  lastBackMs: number;
  /**
   * Most reconnects the clients sent within one quarter second, and when (seconds after SIGTERM):
   * spread as the hints say, about streams / 80. More means the clients fell behind their timers.
   */
  busiestQuarter: { at: number; reconnects: number };
  reconnectErrors: string[];
  /** Streams the fresh instance reported holding at the end. */
  heldByFresh: number;
  idleHealth: HealthSamples;
  herdHealth: HealthSamples;
  /** Resident memory the fresh instance grew by, per stream it took (no forced GC). */
  rssPerStream: number;
  /** CPU ms per stream opened: the old instance while filling, the fresh one during the herd less its idle rate. */
  fillCpuPerStream: number;
  herdCpuPerStream: number;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The resident memory of a process, in bytes (Linux). */
function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** CPU seconds a process has used so far (Linux /proc; utime + stime at 100 ticks/s). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Stops a service: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stopWithin(service: RunningService, graceMs: number): Promise<void> {
  const timer = setTimeout(() => service.process.kill('SIGKILL'), graceMs);
  await service.stop();
  clearTimeout(timer);
}

/** Everything a run starts, so the caller can stop it whether the run finished, failed or timed out. */
export interface HerdResources {
  services: RunningService[];
  prober?: ChildProcess;
  agent: Agent;
  /** Set once the caller has stopped everything: a service that finishes starting after that stops at once. */
  closed?: boolean;
}

/** Creates the users `herd-0..n-1` in the app of the e2e harness, straight through the storage. */
async function createUsers(databaseUrl: string, count: number): Promise<void> {
  const storage = await openStorage(databaseUrl, { poolSize: 8 });
  try {
    const app = await storage.ensureApp({ apiKey: TEST_APP.apiKey, apiSecret: TEST_APP.apiSecret });
    let next = 0;
    const worker = async () => {
      while (next < count) await storage.upsertUser(app.id, `herd-${next++}`, {});
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  } finally {
    await storage.close();
  }
}

/** The service's cap on recipients per trigger. */
const RECIPIENTS_PER_TRIGGER = 100;

/**
 * Sends one notification to every user through `service` and waits until each stream has it, so
 * every client has an event id to resume from, as a widget that has been open a while has.
 */
async function notifyEveryStream(service: RunningService, userIds: string[], streams: EventStreamClient[], timeoutMs: number): Promise<void> {
  const sdk = createClient({ ...TEST_APP, baseUrl: service.url });
  let next = 0;
  const worker = async () => {
    while (next < userIds.length) {
      const recipients = userIds.slice(next, (next += RECIPIENTS_PER_TRIGGER));
      await sdk.send({ notification: { title: 'Before the restart' }, sendTo: { recipients } });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const waiting = streams.filter((stream) => lastEventId(stream.text) === null).length;
    if (waiting === 0) return;
    if (Date.now() > deadline) throw new Error(`${waiting} streams got no event in ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Probes `/healthz` of `url` for as long as `during` runs; answers its result and the samples. */
async function probe<T>(prober: ChildProcess, url: string, intervalMs: number, during: () => Promise<T>): Promise<[T, HealthSamples]> {
  prober.send({ type: 'start', url, intervalMs } satisfies HealthRequest);
  try {
    return [await during(), await stopProbe(prober)];
  } catch (error) {
    await stopProbe(prober).catch(() => undefined);
    throw error;
  }
}

function stopProbe(prober: ChildProcess): Promise<HealthSamples> {
  return new Promise((resolve, reject) => {
    prober.once('message', (reply: HealthReply) => resolve({ latencies: reply.latencies, startedAt: reply.startedAt, failures: reply.failures }));
    prober.once('exit', (code) => reject(new Error(`the /healthz prober exited (${code})`)));
    prober.send({ type: 'stop' } satisfies HealthRequest);
  });
}

/** Runs the restart once on `database`; every process and socket it opens is listed in `resources`. */
export async function runHerd(database: PostgresDatabase, options: HerdOptions, resources: HerdResources, progress: (line: string) => void): Promise<HerdResult> {
  const { streams } = options;
  const { agent } = resources;
  const start = async (nodeArgs?: string[]) => {
    const service = await startService({ database: database.url, args: ['--redis', TEST_REDIS_URL], nodeArgs });
    resources.services.push(service);
    if (resources.closed) {
      await stopWithin(service, 15_000);
      throw new Error('the run was stopped');
    }
    return service;
  };
  const userIds = Array.from({ length: streams }, (_, i) => `herd-${i}`);

  progress('starting the old instance, creating users...');
  const old = await start();
  await createUsers(database.url, streams);
  progress(`opening ${streams} streams on the old instance...`);
  const fillCpu = cpuSeconds(old.process.pid!);
  const fillStarted = performance.now();
  const before = await openEventStreams(old.url, userIds, { window: options.openWindow, agent });
  const fillMs = performance.now() - fillStarted;
  const fillCpuPerStream = ((cpuSeconds(old.process.pid!) - fillCpu) * 1000) / streams;
  const heldByOld = await streamsOpen(old);
  if (heldByOld !== streams) throw new Error(`the old instance holds ${heldByOld} of ${streams} streams`);
  progress('one notification to every stream, so each has a Last-Event-ID...');
  await notifyEveryStream(old, userIds, before, 60_000);

  progress('starting the fresh instance...');
  const profile = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', join(options.profileDir, 'fresh')] : undefined;
  const fresh = await start(profile);
  const freshPid = fresh.process.pid!;
  const prober = fork(join(ROOT, 'bench/herd-health.ts'), [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  resources.prober = prober;
  if (resources.closed) prober.kill();
  // The same probe on the idle instance first: what this machine gives /healthz with no herd at all.
  const idleCpu = cpuSeconds(freshPid);
  const idleStarted = performance.now();
  const [, idleHealth] = await probe(prober, fresh.url, options.healthIntervalMs, () => sleep(options.idleProbeMs));
  // CPU per ms the fresh instance spends with no streams, the probe's checks included: taken off the herd's figure.
  const idleCpuPerMs = (cpuSeconds(freshPid) - idleCpu) / (performance.now() - idleStarted);
  const idleBytes = residentBytes(freshPid);

  progress('SIGTERM to the old instance; clients come back on their hints...');
  const herdCpu = cpuSeconds(freshPid);
  const herdStarted = performance.now();
  const [herd, herdHealth] = await probe(prober, fresh.url, options.healthIntervalMs, async () => {
    const signalled = performance.now();
    old.process.kill('SIGTERM');
    const exited = old.exit.then((exit) => ({ exit, exitMs: performance.now() - signalled }));
    const sentAt: number[] = [];
    const reconnected = before.map(async (stream, i): Promise<EventStreamClient | string> => {
      const endedAt = await stream.ended;
      const hint = reconnectHint(stream.text);
      // What the widget does: wait out the hint from the end of the stream, resume from the last id.
      await sleep(endedAt + (hint ?? 0) - performance.now());
      sentAt.push(performance.now() - signalled);
      const seen = lastEventId(stream.text);
      return openEventStream(fresh.url, userIds[i]!, { agent, lastEventId: seen ?? undefined }).catch((error: Error) => `${userIds[i]}: ${error.message}`);
    });
    const outcomes = await Promise.all(reconnected);
    const lastBackMs = performance.now() - signalled;
    const withoutHint = before.filter((stream) => reconnectHint(stream.text) === null).length;
    const perQuarter = new Map<number, number>();
    for (const at of sentAt) perQuarter.set(Math.floor(at / 250), (perQuarter.get(Math.floor(at / 250)) ?? 0) + 1);
    const [quarter, reconnects] = [...perQuarter].reduce((a, b) => (b[1] > a[1] ? b : a), [0, 0]);
    return { ...(await exited), outcomes, lastBackMs, withoutHint, busiestQuarter: { at: quarter / 4, reconnects } };
  });
  const herdCpuPerStream = ((cpuSeconds(freshPid) - herdCpu - idleCpuPerMs * (performance.now() - herdStarted)) * 1000) / streams;
  const rssPerStream = (residentBytes(freshPid) - idleBytes) / streams;
  const heldByFresh = await streamsOpen(fresh);
  progress(`${heldByFresh} streams on the fresh instance ${Math.round(herd.lastBackMs)} ms after SIGTERM`);

  return {
    streams,
    fillMs,
    exitMs: herd.exitMs,
    exitCode: herd.exit.code,
    withoutHint: herd.withoutHint,
    lastBackMs: herd.lastBackMs,
    busiestQuarter: herd.busiestQuarter,
    reconnectErrors: herd.outcomes.filter((outcome): outcome is string => typeof outcome === 'string'),
    heldByFresh,
    idleHealth,
    herdHealth,
    rssPerStream,
    fillCpuPerStream,
    herdCpuPerStream,
  };
}
