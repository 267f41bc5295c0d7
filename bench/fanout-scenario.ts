// One fan-out scenario: a server process (bare broadcaster or the service), stream client
// processes holding one stream per user, idle memory measured around the opening of the streams,
// then one notification for every user, 100 recipients per trigger, and the time each arrived.
// Everything started here is stopped here, also when a step fails.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_API_KEY, BENCH_API_SECRET } from './credentials.ts';
import { fanoutUser, monotonicMs } from './fanout-protocol.ts';
import type { ClientRequestMessage, MemorySample, ServeRequest } from './fanout-protocol.ts';
import { processCpuSeconds, sortedPercentile as percentile } from './stats.ts';

/** Which server a scenario runs against. */
export type FanoutServerKind = 'bare' | 'sqlite' | 'postgres';

/** Knobs of one scenario. */
export interface ScenarioOptions {
  kind: FanoutServerKind;
  streams: number;
  /** Stream client processes; each uses its own loopback source address (127.0.0.2, .3, ...). */
  clientProcesses: number;
  /** Triggers in flight at once. */
  concurrency: number;
  /** How long to wait for every notification to arrive before counting the rest as missing. */
  timeoutMs: number;
  /**
   * A directory for heap snapshots of the server before and after opening the streams, or
   * undefined. Writing a snapshot grows the RSS, so the RSS figure of such a run is not one to keep.
   */
  snapshotDir?: string;
  /** A directory for a CPU profile of the server (`--cpu-prof`, written when it exits), or undefined. */
  profileDir?: string;
}

/** What one scenario measured. */
export interface ScenarioResult {
  kind: FanoutServerKind;
  streams: number;
  triggers: number;
  /** From the first trigger sent to the last notification received, in ms. */
  totalMs: number;
  /** From the first trigger sent to the last trigger answered (the write path alone), in ms. */
  triggersMs: number;
  notificationsPerSecond: number;
  p50: number;
  p99: number;
  /** Idle memory per stream after a forced GC, in bytes. */
  rssPerStream: number;
  heapPerStream: number;
  /** Resident memory of the server with every stream open, in bytes. */
  rss: number;
  /** Server CPU during the fan-out, in cores. */
  serverCpu: number;
  missing: number;
  errors: number;
}

/** Users per trigger, as the issue asks. */
export const RECIPIENTS_PER_TRIGGER = 100;
// Streams per client opened first and left out of the memory delta: they pay one-time costs
// (code compiled on first use, lazily created pools) that are not per stream.
const WARMUP_STREAMS = 100;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Waits for the next message of `type` from `child`; rejects if it exits or `timeoutMs` passes. */
function nextMessage<T extends { type: string }>(child: ChildProcess, type: T['type'], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: T) => {
      if (message.type !== type) return;
      done();
      resolve(message);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`a benchmark process exited (${code}) while waiting for "${type}"`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no "${type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function stopChild(child: ChildProcess, message: unknown): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send(message as object);
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

function triggerBody(index: number, round: number): string {
  const recipients = Array.from({ length: RECIPIENTS_PER_TRIGGER }, (_, k) => fanoutUser(index * RECIPIENTS_PER_TRIGGER + k));
  return JSON.stringify({
    notification: { title: 'Hello <<recipient.identifier>>', message: 'Your order **#<<data.order>>** shipped', category: 'orders' },
    data: { order: 42, trigger: index, round },
    sendTo: { recipients },
  });
}

/** Sends every trigger, `concurrency` at a time; answers when each was sent and how many failed. */
async function sendTriggers(url: string, triggers: number, concurrency: number, round: number): Promise<{ sentAt: Float64Array; answeredAt: Float64Array; errors: number }> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const bodies = Array.from({ length: triggers }, (_, i) => triggerBody(i, round));
  const sentAt = new Float64Array(triggers);
  const answeredAt = new Float64Array(triggers);
  let next = 0;
  let errors = 0;
  const one = (index: number) =>
    new Promise<void>((resolve) => {
      const body = bodies[index]!;
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path: '/v1/notifications',
          headers: { 'X-API-Key': BENCH_API_KEY, 'X-API-Secret': BENCH_API_SECRET, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        },
        (res) => {
          if (res.statusCode !== 202) errors++;
          res.resume();
          res.on('end', () => {
            answeredAt[index] = monotonicMs();
            resolve();
          });
          res.on('error', () => resolve());
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      sentAt[index] = monotonicMs();
      req.end(body);
    });
  try {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, triggers) }, async () => {
        while (next < triggers) await one(next++);
      }),
    );
  } finally {
    agent.destroy();
  }
  return { sentAt, answeredAt, errors };
}

async function snapshot(server: ChildProcess, path: string): Promise<void> {
  server.send({ type: 'snapshot', path } satisfies ServeRequest);
  await nextMessage(server, 'snapshot', 300_000);
}

async function memory(server: ChildProcess): Promise<MemorySample> {
  server.send({ type: 'memory' } satisfies ServeRequest);
  return (await nextMessage<{ type: 'memory'; sample: MemorySample }>(server, 'memory', 30_000)).sample;
}

/** Polls the server until it holds `count` streams (a stream counts once it is subscribed). */
async function untilStreams(server: ChildProcess, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    server.send({ type: 'streams' } satisfies ServeRequest);
    const { count: open } = await nextMessage<{ type: 'streams'; count: number }>(server, 'streams', 10_000);
    if (open >= count) return;
    if (Date.now() > deadline) throw new Error(`the server holds ${open} of ${count} streams after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs one scenario and stops every process it started. */
export async function runScenario(options: ScenarioOptions, progress: (line: string) => void): Promise<ScenarioResult> {
  const { kind, streams } = options;
  const triggers = Math.ceil(streams / RECIPIENTS_PER_TRIGGER);
  // stderr of the service is its request log: written, as in production, and not kept.
  // A directory per server: tsx's loader thread writes a (small) profile of its own next to the main one.
  const profile = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', join(options.profileDir, `${kind}-${streams}`)] : [];
  const server = fork('bench/fanout-serve.ts', [kind], { cwd: ROOT, execArgv: [...profile, '--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  const clients: ChildProcess[] = [];
  try {
    const { url } = await nextMessage<{ type: 'listening'; url: string }>(server, 'listening', 60_000);
    const share = Math.ceil(streams / options.clientProcesses);
    const ranges = Array.from({ length: options.clientProcesses }, (_, k) => ({ first: k * share, count: Math.max(0, Math.min(share, streams - k * share)) })).filter((r) => r.count > 0);
    for (let k = 0; k < ranges.length; k++) {
      clients.push(fork('bench/fanout-clients.ts', [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    }
    const all = <T extends { type: string }>(type: T['type'], timeoutMs: number) => Promise.all(clients.map((c) => nextMessage<T>(c, type, timeoutMs)));
    const sendAll = (build: (k: number) => ClientRequestMessage) => clients.forEach((c, k) => c.send(build(k)));
    const failures = (replies: { failed: number }[]) => replies.reduce((n, r) => n + r.failed, 0);

    progress(`${kind}, ${streams} streams: creating users...`);
    const connected = all<{ type: 'connected'; failed: number }>('connected', 300_000);
    sendAll((k) => ({ type: 'connect', url, first: ranges[k]!.first, count: ranges[k]!.count, localAddress: `127.0.0.${2 + k}` }));
    if (failures(await connected) > 0) throw new Error(`${failures(await connected)} users could not connect`);

    progress(`${kind}, ${streams} streams: opening streams...`);
    const warm = ranges.map((r) => Math.min(WARMUP_STREAMS, r.count));
    const warmed = all<{ type: 'opened'; failed: number }>('opened', 120_000);
    sendAll((k) => ({ type: 'open', from: ranges[k]!.first, to: ranges[k]!.first + warm[k]! }));
    let openFailures = failures(await warmed);
    const warmCount = warm.reduce((a, b) => a + b, 0);
    await untilStreams(server, warmCount - openFailures, 60_000);
    const before = await memory(server);
    const snapshotPath = (moment: string) => join(options.snapshotDir!, `${kind}-${streams}-${moment}.heapsnapshot`);
    if (options.snapshotDir) await snapshot(server, snapshotPath('before'));
    const opened = all<{ type: 'opened'; failed: number }>('opened', 300_000);
    sendAll((k) => ({ type: 'open', from: ranges[k]!.first + warm[k]!, to: ranges[k]!.first + ranges[k]!.count }));
    openFailures += failures(await opened);
    await untilStreams(server, streams - openFailures, 120_000);
    // A moment for lazily allocated buffers of the last streams, then the steady state.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = await memory(server);
    if (options.snapshotDir) {
      await snapshot(server, snapshotPath('after'));
      progress(`heap snapshots in ${options.snapshotDir}: npx tsx bench/fanout-heap.ts ${snapshotPath('before')} ${snapshotPath('after')} ${streams - warmCount}`);
    }
    const measured = streams - warmCount;

    // Round 0 warms up what the first notification of a process pays once (code compiled on first
    // use, the trigger agent's sockets, cold database pages); round 1 is measured.
    let sentAt: Float64Array = new Float64Array(0);
    let answeredAt: Float64Array = new Float64Array(0);
    let errors = 0;
    let cpuBefore = 0;
    for (const round of [0, 1]) {
      progress(`${kind}, ${streams} streams: ${round === 0 ? 'warm-up' : 'measured'} round, ${triggers} triggers of ${RECIPIENTS_PER_TRIGGER}...`);
      sendAll(() => ({ type: 'arm' }));
      const received = all<{ type: 'all-received' }>('all-received', options.timeoutMs).then(
        () => true,
        () => false,
      );
      cpuBefore = processCpuSeconds(server.pid!);
      const sent = await sendTriggers(url, triggers, options.concurrency, round);
      sentAt = sent.sentAt;
      answeredAt = sent.answeredAt;
      errors += sent.errors;
      await received;
    }
    const cpuSeconds = processCpuSeconds(server.pid!) - cpuBefore;
    const reports = all<{ type: 'times'; first: number; times: number[] }>('times', 30_000);
    sendAll(() => ({ type: 'report' }));
    const latencies: number[] = [];
    let last = -Infinity;
    for (const report of await reports) {
      report.times.forEach((at, k) => {
        if (Number.isNaN(at)) return;
        last = Math.max(last, at);
        latencies.push(at - sentAt[Math.floor((report.first + k) / RECIPIENTS_PER_TRIGGER)]!);
      });
    }
    const sorted = Float64Array.from(latencies).sort();
    const totalMs = last - sentAt[0]!;
    return {
      kind,
      streams,
      triggers,
      totalMs,
      triggersMs: Math.max(...answeredAt) - sentAt[0]!,
      notificationsPerSecond: (latencies.length / totalMs) * 1000,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      rssPerStream: (after.rss - before.rss) / measured,
      heapPerStream: (after.heapUsed + after.external - before.heapUsed - before.external) / measured,
      rss: after.rss,
      serverCpu: cpuSeconds / (totalMs / 1000),
      missing: streams - latencies.length,
      errors: errors + openFailures,
    };
  } finally {
    // Clients first, so the service's shutdown has no streams to drain.
    await Promise.all(clients.map((c) => stopChild(c, { type: 'close' } satisfies ClientRequestMessage)));
    await stopChild(server, { type: 'stop' } satisfies ServeRequest);
  }
}
