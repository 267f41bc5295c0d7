// Where a stream's frames go. Under @hono/node-server (`serve`, and so `belfry-server`) the hub
// writes straight to the Node `ServerResponse`: no web streams, no promise per frame, and nothing
// of the Hono context or the web `Request` kept alive for the life of the stream (that costs ~30 KB
// per idle stream against ~6 KB; see bench/RESULTS.md). Anywhere else (`app.request()` in tests,
// other runtimes) it falls back to a plain `ReadableStream` response.
import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';

/** The end of one event stream the hub writes to. */
export interface Sink {
  /** Writes SSE text; false once the stream can take no more (closed, or the client stopped reading). */
  write(text: string): boolean;
  /** Ends the response; the client sees the stream end and reconnects. */
  end(): void;
}

/** The headers of every event stream, besides those the middleware set (CORS, rate limit, request id). */
export const STREAM_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
};

// A client that stops reading gets its stream ended (it reconnects and resumes from its cursor)
// rather than an ever-growing buffer in this process.
const MAX_BUFFERED_BYTES = 1 << 20;
const MAX_QUEUED_CHUNKS = 10_000;

// @hono/node-server skips writing a response that carries this header: the handler wrote it.
const ALREADY_SENT_HEADER = 'x-hono-already-sent';

const encoder = new TextEncoder();

/** The Node response under the request, when it runs on @hono/node-server over HTTP/1.1. */
function outgoingOf(c: Context): ServerResponse | null {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  return outgoing !== null && typeof outgoing === 'object' && typeof (outgoing as ServerResponse).writeHead === 'function' && 'socket' in outgoing
    ? (outgoing as ServerResponse)
    : null;
}

/**
 * Starts the event stream's response. `onClose` runs once when the client goes away (not after
 * `end()`). Answers the sink and the Response to return from the handler.
 */
export function openSink(c: Context, onClose: () => void): { sink: Sink; response: Response } {
  const outgoing = outgoingOf(c);
  if (outgoing) {
    const headers: Record<string, string> = {};
    // Headers the middleware prepared (CORS, RateLimit-*, X-Request-Id) go out with ours.
    for (const [name, value] of c.res.headers) headers[name] = value;
    Object.assign(headers, STREAM_HEADERS);
    outgoing.writeHead(200, headers);
    outgoing.flushHeaders();
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      onClose();
    };
    // Gone already (while the handler awaited the user or the subscription): `close` was emitted
    // before anyone listened. Reported after this call returns, so the caller has its sink.
    if (outgoing.destroyed || outgoing.socket === null || outgoing.socket.destroyed) queueMicrotask(close);
    else outgoing.once('close', close);
    const sink: Sink = {
      write(text) {
        if (!open || outgoing.writableEnded || outgoing.destroyed) return false;
        outgoing.write(text);
        return outgoing.writableLength <= MAX_BUFFERED_BYTES;
      },
      end() {
        open = false;
        if (!outgoing.writableEnded) outgoing.end();
      },
    };
    return { sink, response: new Response(null, { headers: { [ALREADY_SENT_HEADER]: 'true' } }) };
  }

  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let open = true;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      if (!open) return;
      open = false;
      onClose();
    },
  });
  const sink: Sink = {
    write(text) {
      if (!open) return false;
      controller.enqueue(encoder.encode(text));
      // Counted in chunks here (one per write), not bytes.
      return (controller.desiredSize ?? 0) > -MAX_QUEUED_CHUNKS;
    },
    end() {
      if (!open) return;
      open = false;
      controller.close();
    },
  };
  return { sink, response: c.body(body, 200, STREAM_HEADERS) };
}
