// Reads the realtime stream (design §4) from a fetch() response body: bytes -> text -> SSE
// messages -> checked stream events. fetch() rather than EventSource, because EventSource cannot
// send the auth headers and gives up for good on a 503. The silence watchdog lives in the
// connection, which also times the wait for the stream's headers; `onChunk` feeds it.
import type { StreamEvent } from '../protocol/index.ts';
import { InboxError } from './errors.ts';
import { createSseParser } from './sse-parser.ts';
import { parseStreamEvent } from './validate.ts';

/** How a stream ended cleanly: the server's `retry:` hint, if any. */
export interface StreamEnd {
  retryMs: number | undefined;
}

/**
 * Reads `body` until the server closes it, calling `onChunk` for every chunk of bytes (comments
 * included) and `onEvent` for each well-formed event in order. Malformed frames and unknown event
 * types are skipped (a newer server may send more). Rejects with InboxError `aborted` when
 * `signal` aborts and `network` when the stream breaks.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: StreamEvent) => void,
  signal: AbortSignal,
  onChunk: () => void = () => {},
): Promise<StreamEnd> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = createSseParser();
  const cancel = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', cancel);
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        if (signal.aborted) throw new InboxError('aborted', 'The stream was closed.', { cause });
        throw new InboxError('network', 'The event stream broke.', { cause });
      }
      if (chunk.done) break;
      onChunk();
      for (const message of parser.push(decoder.decode(chunk.value, { stream: true }))) {
        let json: unknown;
        try {
          json = JSON.parse(message.data);
        } catch {
          continue;
        }
        const event = parseStreamEvent(json);
        if (event) onEvent(event);
      }
    }
    // A cancelled reader reports a normal end; say why it really ended.
    if (signal.aborted) throw new InboxError('aborted', 'The stream was closed.');
    return { retryMs: parser.retry };
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}
