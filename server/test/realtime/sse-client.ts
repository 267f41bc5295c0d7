// A minimal SSE reader over fetch() streaming, as the browser client reads the stream.

/** One parsed SSE frame. */
export interface Frame {
  id: string | undefined;
  event: string | undefined;
  data: any;
}

/** An open event stream: frames in arrival order. */
export interface TestStream {
  response: Response;
  /** The next frame, or a rejection after `timeoutMs`. */
  next(timeoutMs?: number): Promise<Frame>;
  /** Frames until one matches, returning all of them (the match last). */
  until(match: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens `url` with `headers` and parses SSE frames as they arrive. */
export async function openStream(url: string, headers: Record<string, string>): Promise<TestStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}: ${await response.text()}`);
  const frames: Frame[] = [];
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame: Frame = { id: undefined, event: undefined, data: undefined };
          for (const line of buffer.slice(0, end).split('\n')) {
            // dotAll: a value may hold U+2028/U+2029, which JSON leaves raw and only `.` in a regex treats as line ends.
            const [, field, rest] = /^([a-z]+): ?(.*)$/s.exec(line) ?? [];
            if (field === 'id') frame.id = rest;
            else if (field === 'event') frame.event = rest;
            else if (field === 'data') frame.data = JSON.parse(rest!);
          }
          frames.push(frame);
          buffer = buffer.slice(end + 2);
          wake();
        }
      }
    } catch {
      // Aborted by close(), or the connection was cut.
    } finally {
      wake();
    }
  })();
  let done = false;
  void ended.then(() => (done = true));

  async function next(timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (frames.length === 0) {
      if (done) throw new Error('stream ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
    return frames.shift()!;
  }

  return {
    response,
    next,
    async until(match, timeoutMs = 5000) {
      const seen: Frame[] = [];
      for (;;) {
        const frame = await next(timeoutMs);
        seen.push(frame);
        if (match(frame)) return seen;
      }
    },
    ended,
    close: () => controller.abort(),
  };
}

/** Polls `check` until it is true, failing after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
