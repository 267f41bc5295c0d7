// The demo's own small backend: serves the host page and the built widget, and forwards the send
// form to the service through the server SDK (belfry/node resolves to dist/ via the package's own
// exports).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createClient } from 'belfry/node';

const STATIC = {
  '/': ['demo/index.html', 'text/html; charset=utf-8'],
  '/demo.css': ['demo/demo.css', 'text/css; charset=utf-8'],
  '/demo.js': ['demo/demo.js', 'text/javascript; charset=utf-8'],
  '/belfry.iife.js': ['dist/belfry.iife.js', 'text/javascript; charset=utf-8'],
};
const MAX_BODY = 64 * 1024;

/** Starts the demo page server; resolves with its URL and a close function. */
export async function startDemoBackend({ host, port, root, serviceUrl, apiKey, apiSecret }) {
  const belfry = createClient({ apiKey, apiSecret, baseUrl: serviceUrl });

  async function send(body) {
    const { userId, firstName, title, message, data } = body;
    if (typeof userId !== 'string' || !userId) return [400, { error: { code: 'invalid_request', message: 'userId is required' } }];
    if (typeof firstName === 'string' && firstName) await belfry.createOrUpdateUser(userId, { firstName });
    const result = await belfry.send({
      notification: { title: String(title ?? ''), message: String(message ?? '') },
      data: data && typeof data === 'object' ? data : {},
      sendTo: { recipients: [userId] },
    });
    return [202, result];
  }

  const server = createServer(async (req, res) => {
    const reply = (status, body, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(type === 'application/json' ? JSON.stringify(body) : body);
    };
    try {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (req.method === 'GET' && path === '/api/config') return reply(200, { baseUrl: serviceUrl, apiKey });
      if (req.method === 'POST' && path === '/api/send') {
        let raw = '';
        for await (const chunk of req) {
          raw += chunk;
          if (raw.length > MAX_BODY) return reply(413, { error: { code: 'payload_too_large', message: 'body too large' } });
        }
        let body;
        try {
          body = JSON.parse(raw);
        } catch {
          return reply(400, { error: { code: 'invalid_json', message: 'the body is not JSON' } });
        }
        const [status, answer] = await send(body);
        return reply(status, answer);
      }
      const file = STATIC[path];
      if (req.method === 'GET' && file) return reply(200, await readFile(`${root}${file[0]}`), file[1]);
      reply(404, { error: { code: 'not_found', message: 'not found' } });
    } catch (error) {
      // The service's own error (a bad template URL, say) goes back to the form as it came.
      const status = typeof error?.status === 'number' && error.status >= 400 ? error.status : 502;
      reply(status, { error: { code: error?.code ?? 'internal', message: String(error?.message ?? error) } });
    }
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  return {
    url: `http://${host}:${address.port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
