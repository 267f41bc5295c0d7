// Graceful shutdown of `createServer` over a real port: streams, requests in flight, stuck ones.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, openStorage } from '../src/index.ts';
import type { RunningServer, Storage } from '../src/index.ts';
import { createRecordingLog } from './fixtures.ts';

/** A storage whose `findUser`, once armed, waits for `release()` (or forever): a request in flight. */
function createGatedStorage(storage: Storage): { storage: Storage; arm: () => void; entered: Promise<void>; release: () => void } {
  let armed = false;
  let release = () => {};
  let enter = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const entered = new Promise<void>((resolve) => (enter = resolve));
  const gated = new Proxy(storage, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop === 'findUser') {
        return async (...args: Parameters<Storage['findUser']>) => {
          if (armed) {
            enter();
            await gate;
          }
          return target.findUser(...args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { storage: gated, arm: () => (armed = true), entered, release };
}

/** Reads a response body as text until the server ends it. */
async function readToEnd(response: Response): Promise<string> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += value;
  }
}

describe('createServer', () => {
  let server: RunningServer | undefined;
  let storage: Storage;
  const headers = () => ({ 'X-API-Key': server!.app.apiKey, 'X-API-Secret': server!.app.apiSecret!, 'X-User-Id': 'ada' });

  beforeEach(async () => (storage = await openStorage('sqlite::memory:')));
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  describe('.close()', () => {
    it('sends every open stream its own retry hint within the jitter window, then ends it', async () => {
      server = await createServer({ port: 0, storage, log: createRecordingLog(), reconnectJitterMs: 3000 });
      await fetch(`${server.url}/v1/me/connect`, { method: 'POST', headers: headers() });
      const streams = await Promise.all([1, 2, 3].map(() => fetch(`${server!.url}/v1/me/events`, { headers: headers() })));
      const texts = streams.map(readToEnd);
      expect(server.hub.openStreams).toBe(3);
      await server.close();
      const hints = (await Promise.all(texts)).map((text) => {
        // The hint is the stream's last frame.
        const match = /(?:^|\n)retry: (\d+)\n\n$/.exec(text);
        expect(match, text).not.toBeNull();
        return Number(match![1]);
      });
      for (const hint of hints) expect(hint).toBeGreaterThanOrEqual(0), expect(hint).toBeLessThanOrEqual(3000);
      expect(server.hub.openStreams).toBe(0);
    });

    it('stops accepting at once but lets a request in flight finish', async () => {
      const gated = createGatedStorage(storage);
      server = await createServer({ port: 0, storage: gated.storage, log: createRecordingLog() });
      const url = server.url;
      await fetch(`${url}/v1/users/ada`, { method: 'PUT', headers: headers(), body: '{}' });
      gated.arm();
      const inFlight = fetch(`${url}/v1/users/ada`, { headers: headers() });
      await gated.entered;
      const closed = server.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
      gated.release();
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect((await answer.json()).identifier).toBe('ada');
      await closed;
    });

    it('cuts a request still stuck after the grace period, and closes the storage', async () => {
      const gated = createGatedStorage(storage);
      const log = createRecordingLog();
      server = await createServer({ port: 0, storage: gated.storage, log, shutdownGraceMs: 300 });
      gated.arm();
      const stuck = fetch(`${server.url}/v1/users/ada`, { headers: headers() }).then(
        (response) => response.status,
        () => 'cut',
      );
      await gated.entered;
      const started = Date.now();
      await server.close();
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(await stuck).toBe('cut');
      expect(log.entries.map((e) => e.message)).toContain('shutdown grace period over: closing the connections still open');
      await expect(storage.findAppByApiKey('x')).rejects.toThrow();
    });
  });
});
