// Load generation over real HTTP with keep-alive connections (node:http): closed loop (N clients,
// each sending its next request when the last answered) and open loop (a fixed arrival rate,
// latency counted from when each request was due, so a slow server cannot hide its queueing).
import { Agent, request } from 'node:http';
import { sortedPercentile as percentile } from './stats.ts';

/** What one run measured. */
export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  /** Latencies in ms, sorted ascending. */
  latencies: Float64Array;
  /** CPU time this (client) process spent, in seconds. */
  clientCpuSeconds: number;
}

/** One request: method, path, headers and a body built per request index. */
export interface RequestSpec {
  url: string;
  path: string;
  headers: Record<string, string>;
  body: (i: number) => string;
  /** Expected status; anything else counts as an error. */
  status: number;
}

/** Sends one request; resolves with whether it answered the expected status. */
function sendOne(agent: Agent, target: URL, spec: RequestSpec, i: number): Promise<boolean> {
  const body = spec.body(i);
  return new Promise((resolve) => {
    const req = request(
      { agent, host: target.hostname, port: target.port, method: 'POST', path: spec.path, headers: { ...spec.headers, 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === spec.status));
        res.on('error', () => resolve(false));
      },
    );
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

/** p50 and p99 of a result, in ms. */
export function latencySummary(result: LoadResult): { p50: number; p99: number } {
  return { p50: percentile(result.latencies, 50), p99: percentile(result.latencies, 99) };
}

function finish(latencies: number[], errors: number, seconds: number, cpuStart: NodeJS.CpuUsage): LoadResult {
  const cpu = process.cpuUsage(cpuStart);
  return { requests: latencies.length, errors, seconds, latencies: Float64Array.from(latencies).sort(), clientCpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** Closed loop: `clients` concurrent clients for `seconds` (after `warmupSeconds` not counted). */
export async function closedLoop(spec: RequestSpec, options: { clients: number; seconds: number; warmupSeconds: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.clients });
  const target = new URL(spec.url);
  let counter = 0;
  const run = async (until: number, record: boolean, latencies: number[], errors: { n: number }) => {
    while (performance.now() < until) {
      const started = performance.now();
      const ok = await sendOne(agent, target, spec, counter++);
      if (!record) continue;
      if (ok) latencies.push(performance.now() - started);
      else errors.n++;
    }
  };
  try {
    const warm = performance.now() + options.warmupSeconds * 1000;
    await Promise.all(Array.from({ length: options.clients }, () => run(warm, false, [], { n: 0 })));
    const latencies: number[] = [];
    const errors = { n: 0 };
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    await Promise.all(Array.from({ length: options.clients }, () => run(started + options.seconds * 1000, true, latencies, errors)));
    return finish(latencies, errors.n, (performance.now() - started) / 1000, cpuStart);
  } finally {
    agent.destroy();
  }
}

/** Open loop: `rate` requests per second for `seconds`; waits for the answers still out. */
export async function openLoop(spec: RequestSpec, options: { rate: number; seconds: number; maxSockets: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const target = new URL(spec.url);
  const latencies: number[] = [];
  const errors = { n: 0 };
  const pending = new Set<Promise<void>>();
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const total = Math.floor(options.rate * options.seconds);
  let sent = 0;
  try {
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rate) + 1);
      for (; sent < due; sent++) {
        const scheduled = started + (sent / options.rate) * 1000;
        const p = sendOne(agent, target, spec, sent).then((ok) => {
          if (ok) latencies.push(performance.now() - scheduled);
          else errors.n++;
          pending.delete(p);
        });
        pending.add(p);
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(pending);
    return finish(latencies, errors.n, (performance.now() - started) / 1000, cpuStart);
  } finally {
    agent.destroy();
  }
}
