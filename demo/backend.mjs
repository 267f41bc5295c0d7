// The demo's own small backend: serves the host page (under a strict Content-Security-Policy, as a
// careful app would) and the built widget, and answers the page's API (demo/api.mjs), which calls
// the services through the server SDK (belfry/node resolves to dist/ via the package's exports).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createDemoApi, sessionUser } from './api.mjs';

const JS = 'text/javascript; charset=utf-8';
const STATIC = {
  '/': ['demo/index.html', 'text/html; charset=utf-8'],
  '/demo.css': ['demo/demo.css', 'text/css; charset=utf-8'],
  '/demo.js': ['demo/demo.js', JS],
  '/controls.js': ['demo/controls.js', JS],
  '/send.js': ['demo/send.js', JS],
  '/belfry.iife.js': ['dist/belfry.iife.js', JS],
};
const MAX_BODY = 64 * 1024;

const fail = (status, code, message) => ({ status, error: { code, message } });

/** Reads a POST body: `{body}` when it is a JSON object, else `{status, error}` to answer with. */
async function readJsonBody(req) {
  let raw = '';
  for await (const chunk of req) {
    raw += chunk;
    if (raw.length > MAX_BODY) return fail(413, 'payload_too_large', 'body too large');
  }
  try {
    const body = JSON.parse(raw || '{}');
    if (body && typeof body === 'object' && !Array.isArray(body)) return { body };
  } catch {
    // Answered below, as any body that is not a JSON object.
  }
  return fail(400, 'invalid_json', 'the body must be a JSON object');
}

/** Starts the demo page server over the two apps; resolves with its URL and a close function. */
export async function startDemoBackend({ host, port, root, apps }) {
  const api = createDemoApi(apps);
  await api.registerCategories();
  // No inline script or style of any kind: the widget styles itself with constructable
  // stylesheets, and the page's scripts are files. The services are the only other origins.
  const csp = `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self' ${apps.open.serviceUrl} ${apps.secure.serviceUrl}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;
  const routes = {
    'GET /api/config': () => api.config(),
    'POST /api/session': (req, body) => api.signIn(body),
    'POST /api/token': (req) => api.token(sessionUser(req.headers.cookie)),
    'POST /api/send': (req, body) => api.send(body),
  };

  const server = createServer(async (req, res) => {
    const reply = (status, body, type = 'application/json', headers = {}) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
      res.end(type === 'application/json' ? JSON.stringify(body) : body);
    };
    try {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const route = routes[`${req.method} ${path}`];
      if (route) {
        const read = req.method === 'POST' ? await readJsonBody(req) : { body: {} };
        if (read.error) return reply(read.status, { error: read.error });
        const [status, answer, headers] = await route(req, read.body);
        return reply(status, answer, 'application/json', headers);
      }
      const file = STATIC[path];
      if (req.method === 'GET' && file) return reply(200, await readFile(`${root}${file[0]}`), file[1], path === '/' ? { 'content-security-policy': csp } : {});
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
