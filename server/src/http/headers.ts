// Response headers that middleware adds to every answer (request id, CORS, rate limits). Through
// Hono, each `c.header()` goes into a `Headers` object that is validated, sorted and copied back
// into a plain object for Node: a few microseconds per request. On @hono/node-server they go
// straight onto the Node response instead, where Node merges them into whatever answer is written
// (the handler's own headers win, as with `c.header()`); elsewhere (`app.request()`) through Hono.
import type { Context } from 'hono';
import type { ServerResponse } from 'node:http';

/** Sets a header of the answer to this request, whichever way the answer will be written. */
export function setResponseHeader(c: Context, name: string, value: string): void {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing && typeof outgoing.setHeader === 'function' && !outgoing.headersSent) outgoing.setHeader(name, value);
  else c.header(name, value);
}
