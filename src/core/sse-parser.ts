// A Server-Sent Events parser (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
// Pure: text in, messages out. It does no I/O, so the stream reader can hand it chunks split
// anywhere — mid-line, mid-field, or between the CR and LF of one line ending.
//
// Speed: line ends are found with indexOf (native, no per-character loop). CR and CRLF endings
// are first rewritten to LF — only in chunks that hold a CR, which our service never sends.

/** One dispatched SSE message. */
export interface SseMessage {
  /** The last event ID seen so far on the stream (it persists across messages, as the spec says). */
  id: string;
  /** The `event:` field, or `message` when the frame had none. */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
}

/** A stateful SSE parser: feed it decoded text, get back the messages each chunk completed. */
export interface SseParser {
  /** Parses one chunk of text and returns the messages it completed, in order. */
  push(chunk: string): SseMessage[];
  /** The last `retry:` value in milliseconds, if the server sent one. */
  readonly retry: number | undefined;
}

/** Creates an SSE parser for one stream. */
export function createSseParser(): SseParser {
  let buffer = '';
  let started = false;
  // The last chunk ended with CR: an LF opening the next one ends the same line.
  let skipLf = false;
  let lastEventId = '';
  let eventType = '';
  let data: string | undefined;
  let retry: number | undefined;

  return {
    get retry() {
      return retry;
    },
    push(text) {
      const out: SseMessage[] = [];
      if (!text) return out;
      if (!started && text[0] === '\uFEFF') text = text.slice(1);
      started = true;
      if (skipLf && text[0] === '\n') text = text.slice(1);
      skipLf = text.endsWith('\r');
      if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
      buffer += text;
      let start = 0;
      for (let end; (end = buffer.indexOf('\n', start)) >= 0; start = end + 1) {
        const line = buffer.slice(start, end);
        if (!line) {
          // A blank line dispatches; a frame without data lines dispatches nothing (spec).
          if (data !== undefined) out.push({ id: lastEventId, event: eventType || 'message', data });
          eventType = '';
          data = undefined;
          continue;
        }
        const colon = line.indexOf(':');
        if (!colon) continue; // a comment, e.g. a keep-alive
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
        if (field === 'data') data = data === undefined ? value : data + '\n' + value;
        else if (field === 'event') eventType = value;
        // An id containing NUL is ignored (spec), so a broken frame cannot move the cursor.
        else if (field === 'id') lastEventId = value.includes('\0') ? lastEventId : value;
        else if (field === 'retry' && /^\d+$/.test(value)) retry = +value;
        // Unknown fields are ignored.
      }
      buffer = buffer.slice(start);
      return out;
    },
  };
}
