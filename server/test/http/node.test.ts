// The request helpers over a real port: on @hono/node-server bodies are read from the Node request
// and middleware headers set on the Node response, paths that `app.request()` never takes.
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_API_KEY, HEADER_API_SECRET } from 'belfry/protocol';
import { createServer } from '../../src/index.ts';
import type { RunningServer } from '../../src/index.ts';
import { MAX_BODY_BYTES } from '../../src/http/index.ts';
import { createRecordingLog } from '../fixtures.ts';

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: any;
}

describe('request helpers on @hono/node-server', () => {
  let server: RunningServer;
  const credentials = { [HEADER_API_KEY]: 'node-key', [HEADER_API_SECRET]: 'node-secret' };

  beforeAll(async () => {
    server = await createServer({ port: 0, databaseUrl: 'sqlite::memory:', apiKey: 'node-key', apiSecret: 'node-secret', log: createRecordingLog() });
  });
  afterAll(() => server.close());

  /** Sends `chunks` as the body: with a Content-Length when `declared`, else chunked. */
  function send(method: string, path: string, chunks: string[], declared: boolean, headers: Record<string, string> = credentials): Promise<RawAnswer> {
    const url = new URL(path, server.url);
    const length = chunks.reduce((n, chunk) => n + Buffer.byteLength(chunk), 0);
    return new Promise((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method, headers: { 'Content-Type': 'application/json', ...headers, ...(declared ? { 'Content-Length': length } : {}) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text === '' ? null : JSON.parse(text) }));
        },
      );
      // A request the server answers before reading all of it may see its socket closed.
      req.on('error', reject);
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });
  }

  describe('readJson()', () => {
    it('reads a body of declared length and a chunked one alike', async () => {
      const body = JSON.stringify({ firstName: 'Ada', email: 'ada@example.com' });
      const declared = await send('PUT', '/v1/users/ada', [body], true);
      expect(declared.status).toBe(200);
      const chunked = await send('PUT', '/v1/users/bob', [body.slice(0, 10), body.slice(10)], false);
      expect(chunked.status).toBe(200);
      expect(chunked.body.attributes).toEqual({ firstName: 'Ada', email: 'ada@example.com' });
    });

    it('answers 413 for a chunked body that passes the limit, and for a declared one over it', async () => {
      const chunk = `"${'x'.repeat(64 * 1024)}",`;
      const chunks = ['{"data":[', ...Array.from({ length: Math.ceil(MAX_BODY_BYTES / chunk.length) + 1 }, () => chunk), '1]}'];
      const chunked = await send('POST', '/v1/notifications', chunks, false);
      expect(chunked.status).toBe(413);
      expect(chunked.body.error.code).toBe('payload_too_large');
      const declared = await send('POST', '/v1/notifications', chunks, true).catch(() => null);
      // The declared length alone decides, before any byte is read; the socket may close under the rest.
      if (declared) expect(declared.status).toBe(413);
    });

    it('answers 400 invalid_json for malformed and empty bodies of declared length', async () => {
      expect((await send('POST', '/v1/notifications', ['{"notification":'], true)).body.error.code).toBe('invalid_json');
      expect((await send('POST', '/v1/notifications', [], true)).body.error.code).toBe('invalid_json');
    });
  });

  describe('middleware headers', () => {
    it('puts the request id, CORS and rate-limit headers on a JSON answer and on an error', async () => {
      await send('PUT', '/v1/users/ada', ['{}'], true);
      const body = JSON.stringify({ notification: { title: 'Hi' }, sendTo: { recipients: ['ada'] } });
      for (const answer of [await send('POST', '/v1/notifications', [body], true, { ...credentials, 'X-Request-Id': 'req-1' }), await send('POST', '/v1/notifications', ['{'], true)]) {
        expect(answer.headers['access-control-allow-origin']).toBe('*');
        expect(answer.headers['access-control-expose-headers']).toContain('X-Request-Id');
        expect(answer.headers['ratelimit-limit']).toMatch(/^\d+$/);
        expect(answer.headers['x-request-id']).toMatch(/^[\w-]+$/);
        expect(answer.headers['content-type']).toMatch(/^application\/json/);
      }
      const triggered = await send('POST', '/v1/notifications', [body], true, { ...credentials, 'X-Request-Id': 'req-2' });
      expect(triggered.status).toBe(202);
      expect(triggered.headers['x-request-id']).toBe('req-2');
      expect(triggered.body.delivered).toEqual(['ada']);
    });

    it('answers a preflight with 204 and what it allows', async () => {
      const answer = await send('OPTIONS', '/v1/me/notifications', [], false, { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'PATCH' });
      expect(answer.status).toBe(204);
      expect(answer.headers['access-control-allow-origin']).toBe('*');
      expect(answer.headers['access-control-allow-methods']).toContain('PATCH');
      expect(answer.headers['access-control-allow-headers']!.toLowerCase()).toContain('x-user-id');
      expect(answer.headers['x-request-id']).toBeDefined();
    });
  });
});
