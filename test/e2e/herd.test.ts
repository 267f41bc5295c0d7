// Restarts without a stampede (design §9): an instance with 5,000 open streams, one user each,
// on PostgreSQL + Redis, is stopped (SIGTERM). Every stream gets its own `retry:` hint spread over
// 20 s and ends at once, so the process exits promptly. Each client then does what the widget does
// (src/core/connection.ts): waits out its hint and reconnects with Last-Event-ID, here to a fresh
// instance started before the signal, as in a rolling deploy behind a load balancer (the same-port
// restart is in multi-instance.test.ts). `/healthz` of the fresh instance must stay responsive
// while they arrive. Node only: no browser, the streams are node:http.
import { readFileSync } from 'node:fs';
import { get, Agent, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../../server/src/storage/index.ts';
import {
  TEST_APP,
  TEST_REDIS_URL,
  createPostgresDatabase,
  requireRedis,
  startService,
  type PostgresDatabase,
  type RunningService,
} from './harness.ts';

const STREAMS = 5_000;
// Stream requests in flight at once while the first instance fills up: the listen backlog (511 in
// Node) drops the SYNs of a larger burst, and a dropped SYN is only sent again after a second.
const OPEN_WINDOW = 400;
const HEALTH_SAMPLE_MS = 20;
const HEALTH_P99_BUDGET_MS = 200;
// The service's default jitter window (server/src/ops/drain.ts), asserted from the outside.
const RECONNECT_JITTER_MS = 20_000;
// What `belfry-server` waits at most for requests in flight on shutdown (DEFAULT_SHUTDOWN_GRACE_MS).
const SHUTDOWN_GRACE_MS = 8_000;

let database: PostgresDatabase;
const services: RunningService[] = [];
const requests = new Set<ClientRequest>();
// One socket per stream, as browsers reconnecting after a restart would have.
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });

const identifier = (i: number) => `herd-${i}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One open event stream: what it has received so far, and when it ended. */
interface Stream {
  request: ClientRequest;
  text: string;
  /** Resolves with `performance.now()` when the server ends the stream. */
  ended: Promise<number>;
}

/** Opens the event stream of user `i` on `url` after `lastEventId`; resolves at its headers. */
function openStream(url: string, i: number, lastEventId: number): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const request = get(
      `${url}/v1/me/events`,
      {
        agent,
        headers: { 'X-API-Key': TEST_APP.apiKey, 'X-User-Id': identifier(i), Accept: 'text/event-stream', 'Last-Event-ID': String(lastEventId) },
      },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new Error(`stream ${i} answered ${response.statusCode}`));
          return;
        }
        response.setEncoding('utf8');
        const stream: Stream = {
          request,
          text: '',
          ended: new Promise((done) => {
            const end = () => {
              requests.delete(request);
              done(performance.now());
            };
            response.once('end', end);
            response.once('close', end);
          }),
        };
        response.on('data', (chunk: string) => (stream.text += chunk));
        // A cut stream is an ended stream here, not an unhandled error.
        response.on('error', () => undefined);
        resolve(stream);
      },
    );
    requests.add(request);
    request.on('error', (error) => {
      requests.delete(request);
      reject(error);
    });
  });
}

/** Opens streams for users 0..count-1 as fast as the window allows; answers them in order. */
async function openHerd(url: string, count: number): Promise<Stream[]> {
  const opened: Stream[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      opened[i] = await openStream(url, i, 0);
    }
  };
  await Promise.all(Array.from({ length: OPEN_WINDOW }, worker));
  return opened;
}

/** The client side of a restart: wait out the hint from the end of the stream, then reconnect; a failure is a message. */
async function reconnect(url: string, i: number, endedAt: number, hintMs: number): Promise<Stream | string> {
  await sleep(endedAt + hintMs - performance.now());
  return openStream(url, i, 0).catch((error: Error) => `stream ${i}: ${error.message}`);
}

/** Times one `/healthz` on a new connection, as a load balancer's check would; a failure is a message. */
function timeHealthz(url: string): Promise<number | string> {
  const started = performance.now();
  return new Promise((resolve) => {
    get(`${url}/healthz`, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode === 200 ? performance.now() - started : `answered ${response.statusCode}`));
    }).on('error', (error) => resolve(error.message));
  });
}

/** Starts `/healthz` every HEALTH_SAMPLE_MS, overlapping, so a stall shows as many slow samples. */
function sampleHealth(url: string): { stop: () => Promise<(number | string)[]> } {
  const samples: Promise<number | string>[] = [timeHealthz(url)];
  const timer = setInterval(() => samples.push(timeHealthz(url)), HEALTH_SAMPLE_MS);
  return {
    stop: () => {
      clearInterval(timer);
      return Promise.all(samples);
    },
  };
}

const percentile = (values: number[], p: number) => [...values].sort((x, y) => x - y)[Math.ceil((p / 100) * values.length) - 1]!;

/** The resident memory of a process, in bytes (Linux). */
function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

async function openStreamsOn(service: RunningService): Promise<number> {
  const metrics = await (await fetch(`${service.url}/metrics`)).text();
  return Number(/^belfry_streams_open (\d+)$/m.exec(metrics)?.[1]);
}

async function startInstance(port?: number): Promise<RunningService> {
  const service = await startService({ database: database.url, port, args: ['--redis', TEST_REDIS_URL] });
  services.push(service);
  return service;
}

beforeAll(async () => {
  await requireRedis();
  database = await createPostgresDatabase();
  // The users exist before any instance starts, as after a restart; written through the storage.
  const storage = await openStorage(database.url, { poolSize: 8 });
  try {
    const app = await storage.ensureApp({ apiKey: TEST_APP.apiKey, apiSecret: TEST_APP.apiSecret });
    let next = 0;
    const worker = async () => {
      while (next < STREAMS) await storage.upsertUser(app.id, identifier(next++), {});
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  } finally {
    await storage.close();
  }
}, 60_000);

afterAll(async () => {
  for (const request of requests) request.destroy();
  agent.destroy();
  await Promise.all(services.map((service) => service.stop()));
  await database?.drop();
});

describe('a restart under 5,000 streams on PostgreSQL and Redis', () => {
  it('spreads the reconnects over 20 s, exits promptly, and the fresh instance stays responsive while they come back', async () => {
    const old = await startInstance();
    const fillStarted = performance.now();
    const before = await openHerd(old.url, STREAMS);
    const fillMs = performance.now() - fillStarted;
    expect(await openStreamsOn(old)).toBe(STREAMS);
    const fresh = await startInstance();
    const idleBytes = residentBytes(fresh.process.pid!);

    // SIGTERM: every stream gets its hint and ends; the process does not wait out the window.
    const signalled = performance.now();
    old.process.kill('SIGTERM');
    const endings = await Promise.all(before.map((stream) => stream.ended));
    expect((await old.exit).code).toBe(0);
    const exitMs = performance.now() - signalled;
    // Not held for the hint window: the streams ended at once, only the shutdown itself remains.
    expect(exitMs).toBeLessThan(SHUTDOWN_GRACE_MS);
    const hints = before.map((stream, i) => {
      const match = /(?:^|\n)retry: (\d+)\n\n$/.exec(stream.text);
      if (!match) throw new Error(`stream ${i} ended without a retry hint: ${JSON.stringify(stream.text)}`);
      return Number(match[1]);
    });
    expect(Math.max(...hints)).toBeLessThanOrEqual(RECONNECT_JITTER_MS);
    // Spread over the whole window: every tenth of it gets at least half its share of streams.
    const tenths = Array.from({ length: 10 }, (_, t) => hints.filter((hint) => Math.min(9, Math.floor(hint / (RECONNECT_JITTER_MS / 10))) === t).length);
    for (const share of tenths) expect(share).toBeGreaterThan(STREAMS / 10 / 2);

    const health = sampleHealth(fresh.url);
    const outcomes = await Promise.all(before.map((_, i) => reconnect(fresh.url, i, endings[i]!, hints[i]!)));
    const back = outcomes.filter((outcome): outcome is Stream => typeof outcome !== 'string');
    const failedReconnects = outcomes.filter((outcome) => typeof outcome === 'string');
    const herdMs = performance.now() - signalled;
    const samples = await health.stop();
    const latencies = samples.filter((sample): sample is number => typeof sample === 'number');
    const failedChecks = samples.filter((sample) => typeof sample === 'string');
    const loadedBytes = residentBytes(fresh.process.pid!);

    const p99 = percentile(latencies, 99);
    console.info(
      `herd: ${STREAMS} streams opened in ${Math.round(fillMs)} ms; after SIGTERM the instance exited in ${Math.round(exitMs)} ms; ` +
        `${back.length} back on the fresh one ${Math.round(herdMs)} ms after the signal (${failedReconnects.length} failed); ` +
        `/healthz p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms ` +
        `over ${latencies.length} samples (${failedChecks.length} failed); RSS ${(idleBytes / 2 ** 20).toFixed(0)} MB idle -> ${(loadedBytes / 2 ** 20).toFixed(0)} MB ` +
        `(${((loadedBytes - idleBytes) / STREAMS / 1024).toFixed(1)} KB per stream)`,
    );
    expect(failedReconnects.slice(0, 5)).toEqual([]);
    expect(await openStreamsOn(fresh)).toBe(STREAMS);
    expect(failedChecks.slice(0, 5)).toEqual([]);
    expect(latencies.length).toBeGreaterThan(100);
    expect(p99).toBeLessThan(HEALTH_P99_BUDGET_MS);

    for (const stream of back) stream.request.destroy();
  }, 120_000);
});
