// Heartbeats of streams opened together are spread over the interval (a restart herd must not
// read the database all at once 15 s later), over a real port.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, createHub, createMemoryBus, openStorage } from '../../src/index.ts';
import { createRecordingLog } from '../fixtures.ts';
import { openStream } from './sse-client.ts';
import type { TestStream } from './sse-client.ts';

describe('createHub heartbeats', () => {
  let server: Server | undefined;
  const streams: TestStream[] = [];

  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close();
    await new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    server = undefined;
  });

  it('gives streams opened together their first heartbeats at their own offsets in the interval', async () => {
    const storage = await openStorage('sqlite::memory:');
    const { app } = await storage.createApp();
    await storage.upsertUser(app.id, 'ada', {});
    const bus = createMemoryBus();
    // Slots 1 and 9 of 16: 1/16 and 9/16 of the 1.6 s interval after the wheel starts.
    const offsets = [1.5 / 16, 9.5 / 16];
    const hub = createHub({ storage, bus, log: createRecordingLog(), heartbeatMs: 1600, random: () => offsets.shift() ?? 0 });
    const http = createApp({ storage, bus, hub, log: createRecordingLog(), rateLimits: false });
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: http.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/me/events`;
    const headers = { 'X-API-Key': app.apiKey, 'X-User-Id': 'ada' };
    streams.push(await openStream(url, headers), await openStream(url, headers));
    const started = Date.now();
    const arrivals = await Promise.all(
      streams.map(async (stream) => {
        expect((await stream.next(3000)).event).toBe('heartbeat');
        return Date.now() - started;
      }),
    );
    expect(arrivals[0]).toBeLessThan(700);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(400);
    await storage.close();
  });
});
