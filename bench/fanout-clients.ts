// Stream clients of the fan-out benchmark, in their own process (forked with an IPC channel): each
// holds one event stream per user of its range over node:http, parses frames minimally (split on
// the blank line, look at the `event:` line) and notes when each stream's first
// `notification.created` frame arrived, on the monotonic clock every process of the machine shares.
import { Agent, request } from 'node:http';
import type { ClientRequest } from 'node:http';
import { BENCH_API_KEY } from './credentials.ts';
import { fanoutUser, monotonicMs } from './fanout-protocol.ts';
import type { ClientReply, ClientRequestMessage } from './fanout-protocol.ts';

const CONNECT_CONCURRENCY = 32;
// Streams opened at once: enough to fill the listen backlog quickly, few enough not to overflow it.
const OPEN_CONCURRENCY = 256;
const FRAME_END = '\n\n';
const CREATED = 'event: notification.created\n';

let target: URL;
let first = 0;
let localAddress = '127.0.0.1';
let times: Float64Array = new Float64Array(0);
let expected = 0;
let received = 0;
const requests: ClientRequest[] = [];
const streamAgent = new Agent({ keepAlive: true, maxSockets: Infinity });

const send = (reply: ClientReply) => process.send!(reply);

/** Runs `work` over `[from, to)` with at most `limit` in flight; answers how many failed. */
async function pooled(from: number, to: number, limit: number, work: (index: number) => Promise<boolean>): Promise<number> {
  let next = from;
  let failed = 0;
  const worker = async () => {
    while (next < to) {
      if (!(await work(next++))) failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, to - from) }, worker));
  return failed;
}

function connectUser(agent: Agent, index: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { agent, host: target.hostname, port: target.port, localAddress, method: 'POST', path: '/v1/me/connect', headers: { 'X-API-Key': BENCH_API_KEY, 'X-User-Id': fanoutUser(index), 'Content-Length': 0 } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
        res.on('error', () => resolve(false));
      },
    );
    req.on('error', () => resolve(false));
    req.end();
  });
}

function openStream(index: number): Promise<boolean> {
  return new Promise((resolve) => {
    const slot = index - first;
    const req = request(
      { agent: streamAgent, host: target.hostname, port: target.port, localAddress, method: 'GET', path: '/v1/me/events', headers: { 'X-API-Key': BENCH_API_KEY, 'X-User-Id': fanoutUser(index), Accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          resolve(false);
          return;
        }
        res.setEncoding('utf8');
        let tail = '';
        res.on('data', (chunk: string) => {
          tail += chunk;
          let end: number;
          while ((end = tail.indexOf(FRAME_END)) >= 0) {
            const frame = tail.slice(0, end + 1);
            tail = tail.slice(end + FRAME_END.length);
            if (Number.isNaN(times[slot]!) && frame.includes(CREATED)) {
              times[slot] = monotonicMs();
              if (++received === expected) send({ type: 'all-received' });
            }
          }
        });
        res.on('error', () => {});
        expected += 1;
        resolve(true);
      },
    );
    req.on('error', () => resolve(false));
    req.end();
    requests.push(req);
  });
}

process.on('message', (message: ClientRequestMessage) => {
  if (message.type === 'connect') {
    target = new URL(message.url);
    first = message.first;
    localAddress = message.localAddress;
    times = new Float64Array(message.count).fill(NaN);
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECT_CONCURRENCY });
    void pooled(first, first + message.count, CONNECT_CONCURRENCY, (index) => connectUser(agent, index)).then((failed) => {
      agent.destroy();
      send({ type: 'connected', failed });
    });
  } else if (message.type === 'open') {
    void pooled(message.from, message.to, OPEN_CONCURRENCY, openStream).then((failed) => send({ type: 'opened', failed }));
  } else if (message.type === 'arm') {
    times.fill(NaN);
    received = 0;
  } else if (message.type === 'report') {
    send({ type: 'times', first, times: Array.from(times) });
  } else if (message.type === 'close') {
    for (const req of requests) req.destroy();
    streamAgent.destroy();
    process.disconnect();
  }
});
// The parent going away must not leave sockets open.
process.once('disconnect', () => {
  for (const req of requests) req.destroy();
  streamAgent.destroy();
  process.exit(0);
});
