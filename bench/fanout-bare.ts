// The ceiling of the fan-out benchmark: a bare node:http SSE broadcaster with the service's routes
// and none of its work (no auth, no database, no bus). It keeps each stream's response in a map by
// user and, for a trigger, writes every recipient the same `notification.created` frame the service
// would, encoded by the same function.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeSseFrame } from '../src/protocol/index.ts';
import type { Json } from '../src/protocol/index.ts';

/** A running broadcaster. */
export interface BareBroadcaster {
  url: string;
  openStreams(): number;
  close(): Promise<void>;
}

interface TriggerBody {
  notification: { title: string; message: string; category?: string };
  data?: Record<string, Json>;
  sendTo: { recipients: string[] };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts the broadcaster on a free loopback port. */
export function startBareBroadcaster(): Promise<BareBroadcaster> {
  const streams = new Map<string, { res: ServerResponse; seq: number }>();

  function trigger(body: TriggerBody): string[] {
    const createdAt = new Date().toISOString();
    const delivered: string[] = [];
    for (const identifier of body.sendTo.recipients) {
      const stream = streams.get(identifier);
      if (!stream) continue;
      stream.seq += 1;
      const notification = {
        id: randomUUID(),
        createdAt,
        seenAt: null,
        readAt: null,
        archivedAt: null,
        category: body.notification.category ?? null,
        workflow: null,
        title: body.notification.title,
        message: body.notification.message,
        url: null,
        icon: null,
        actions: [],
        data: body.data ?? {},
      };
      stream.res.write(encodeSseFrame({ type: 'notification.created', seq: stream.seq, notification, counts: { unseen: 1, unread: 1 } }));
      delivered.push(identifier);
    }
    return delivered;
  }

  const server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method === 'GET' && path === '/v1/me/events') {
      const identifier = decodeURIComponent(String(req.headers['x-user-id'] ?? ''));
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' });
      res.flushHeaders();
      const stream = { res, seq: 0 };
      streams.set(identifier, stream);
      res.on('close', () => {
        if (streams.get(identifier) === stream) streams.delete(identifier);
      });
      return;
    }
    void readBody(req).then(
      (text) => {
        if (req.method === 'POST' && path === '/v1/me/connect') json(res, 200, { seq: 0, counts: { unseen: 0, unread: 0 } });
        else if (req.method === 'POST' && path === '/v1/notifications') json(res, 202, { id: randomUUID(), delivered: trigger(JSON.parse(text) as TriggerBody), discarded: [] });
        else json(res, 404, { error: { code: 'not_found', message: 'no such route' } });
      },
      () => res.destroy(),
    );
  });

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        openStreams: () => streams.size,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
