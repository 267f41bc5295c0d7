// Reads the realtime stream (design §4) from a fetch() response body: bytes -> text -> SSE
// messages -> checked stream events. fetch() rather than EventSource, because EventSource cannot
// send the auth headers and gives up for good on a 503. The silence watchdog lives in the
// connection, which also times the wait for the stream's headers; `onChunk` feeds it.
import type { StreamEvent } from '../protocol/index.ts';
import { fail } from './http.ts';
import { createSseParser } from './sse-parser.ts';
import { parseStreamEvent } from './validate.ts';

/**
 * Reads `body` until the server closes it, calling `onChunk` once for every chunk of bytes
 * (comments included) with the well-formed events it completed, in order (often none), so a
 * burst is handed over, and applied, together. Malformed frames and unknown event types are
 * skipped (a newer server may send more). Resolves with the server's `retry:` hint; rejects with
 * InboxError `aborted` when `signal` aborts and `network` when the stream breaks.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  onChunk: (events: StreamEvent[]) => void,
): Promise<number | undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = createSseParser();
  const cancel = () => void reader.cancel().catch(() => {});
  signal.addEventListener('abort', cancel);
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        throw fail(signal.aborted ? 'aborted' : 'network', cause);
      }
      if (chunk.done) break;
      const events: StreamEvent[] = [];
      for (const message of parser.push(decoder.decode(chunk.value, { stream: true }))) {
        let event;
        try {
          event = parseStreamEvent(JSON.parse(message.data));
        } catch {}
        if (event) events.push(event);
      }
      onChunk(events);
    }
    // A cancelled reader reports a normal end; say why it really ended.
    if (signal.aborted) throw fail('aborted');
    return parser.retry;
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}
