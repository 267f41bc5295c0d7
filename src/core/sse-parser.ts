// A Server-Sent Events parser (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
// Pure: text in, messages out. It does no I/O, so the stream reader can hand it chunks split
// anywhere — mid-line, mid-field, or between the CR and LF of one line ending.

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
  let isFirstChunk = true;
  // A chunk that ended with CR may be followed by the LF of the same line ending.
  let skipLeadingLf = false;
  let lastEventId = '';
  let eventType = '';
  let data: string[] = [];
  let hasData = false;
  let retry: number | undefined;

  function processLine(line: string, out: SseMessage[]): void {
    if (line === '') {
      // A blank line dispatches; a frame without data lines dispatches nothing (spec).
      if (hasData) out.push({ id: lastEventId, event: eventType || 'message', data: data.join('\n') });
      eventType = '';
      data = [];
      hasData = false;
      return;
    }
    if (line.startsWith(':')) return; // a comment, e.g. a keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        data.push(value);
        hasData = true;
        break;
      case 'event':
        eventType = value;
        break;
      case 'id':
        // An id containing NUL is ignored (spec), so a broken frame cannot move the cursor.
        if (!value.includes('\u0000')) lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  return {
    get retry() {
      return retry;
    },
    push(chunk) {
      let text = chunk;
      if (isFirstChunk && text.length > 0) {
        isFirstChunk = false;
        if (text.startsWith('\uFEFF')) text = text.slice(1);
      }
      if (skipLeadingLf && text.length > 0) {
        skipLeadingLf = false;
        if (text.startsWith('\n')) text = text.slice(1);
      }
      buffer += text;
      const out: SseMessage[] = [];
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const ch = buffer.charCodeAt(i);
        if (ch !== 10 && ch !== 13) continue;
        processLine(buffer.slice(start, i), out);
        if (ch === 13) {
          if (i + 1 < buffer.length) {
            if (buffer.charCodeAt(i + 1) === 10) i++;
          } else {
            skipLeadingLf = true;
          }
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
      return out;
    },
  };
}
