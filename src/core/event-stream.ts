// Reads the realtime stream (design §4) from a fetch() response body: bytes -> text -> SSE
// messages -> checked stream events. fetch() rather than EventSource, because EventSource cannot
// send the auth headers and gives up for good on a 503.
import { HEARTBEAT_INTERVAL_MS } from '../protocol/index.ts';
import type { StreamEvent } from '../protocol/index.ts';
import { InboxError } from './errors.ts';
import { createSseParser } from './sse-parser.ts';
import { parseStreamEvent } from './validate.ts';

/**
 * A stream silent for this long is dead even if TCP has not noticed (a sleeping laptop, a proxy
 * that dropped the connection without a FIN): three missed heartbeats.
 */
export const STREAM_STALL_MS = 3 * HEARTBEAT_INTERVAL_MS;

/** How a stream ended cleanly: the server's `retry:` hint, if any. */
export interface StreamEnd {
  retryMs: number | undefined;
}

/**
 * Reads `body` until the server closes it, calling `onEvent` for each well-formed event in order.
 * Malformed frames and unknown event types are skipped (a newer server may send more). Rejects
 * with InboxError `aborted` when `signal` aborts and `network` when the stream breaks or stalls.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: StreamEvent) => void,
  signal: AbortSignal,
  stallMs = STREAM_STALL_MS,
): Promise<StreamEnd> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = createSseParser();
  let stalled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => void reader.cancel().catch(() => undefined);
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      cancel();
    }, stallMs);
  };
  signal.addEventListener('abort', cancel);
  try {
    arm();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        if (signal.aborted) throw new InboxError('aborted', 'The stream was closed.', { cause });
        throw new InboxError('network', 'The event stream broke.', { cause });
      }
      if (chunk.done) break;
      arm();
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
    if (stalled) throw new InboxError('network', 'The event stream went silent.');
    return { retryMs: parser.retry };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', cancel);
  }
}
