// The herd benchmark's `/healthz` prober, in a process of its own so that the thousands of streams
// the benchmark's main process opens and reconnects do not delay its clock: what it measures is
// the service's answer time, as a load balancer's health check sees it. Forked with an IPC
// channel; see `HealthRequest` and `HealthReply` for the conversation. Exits when the parent goes.
import { Agent, get } from 'node:http';

/** What the parent sends: start probing `url` every `intervalMs`, or stop and report. */
export type HealthRequest = { type: 'start'; url: string; intervalMs: number } | { type: 'stop' };

/**
 * What the prober answers to `stop`: answer times in ms of the 200s, when each of those checks
 * started (ms after `start`, same order), and what went wrong with the others.
 */
export interface HealthReply {
  type: 'samples';
  latencies: number[];
  startedAt: number[];
  failures: string[];
}

// A check that gets no answer in this time counts as failed, so a stalled server ends the run.
const CHECK_TIMEOUT_MS = 5_000;
// A new connection per check, as a load balancer's probe opens one: accept and parse are part of it.
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });

/** Times one `GET /healthz`; answers the ms it took, or a message when it failed. */
function check(url: string): Promise<number | string> {
  const started = performance.now();
  return new Promise((resolve) => {
    const request = get(`${url}/healthz`, { agent, timeout: CHECK_TIMEOUT_MS }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode === 200 ? performance.now() - started : `answered ${response.statusCode}`));
      response.on('error', (error) => resolve(error.message));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)));
    request.on('error', (error) => resolve(error.message));
  });
}

let timer: ReturnType<typeof setInterval> | undefined;
let checks: Promise<[number, number | string]>[] = [];

process.on('message', (message: HealthRequest) => {
  if (message.type === 'start') {
    const started = performance.now();
    const next = () => {
      const at = performance.now() - started;
      checks.push(check(message.url).then((result) => [at, result]));
    };
    checks = [];
    next();
    // Overlapping on purpose: a stall shows as many slow checks, not as one slow check and a gap.
    timer = setInterval(next, message.intervalMs);
  } else if (message.type === 'stop') {
    clearInterval(timer);
    void Promise.all(checks).then((results) => {
      const answered = results.filter((r): r is [number, number] => typeof r[1] === 'number');
      const reply: HealthReply = {
        type: 'samples',
        latencies: answered.map(([, ms]) => ms),
        startedAt: answered.map(([at]) => at),
        failures: results.flatMap(([, r]) => (typeof r === 'string' ? [r] : [])),
      };
      process.send!(reply);
    });
  }
});
// The parent going away ends the prober, whatever it was doing.
process.once('disconnect', () => process.exit(0));
