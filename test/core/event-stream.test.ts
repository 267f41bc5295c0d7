import { describe, expect, it } from 'vitest';
import { readEventStream } from '../../src/core/event-stream.ts';
import type { StreamEvent } from '../../src/protocol/index.ts';
import { encodeSseFrame } from '../../src/protocol/index.ts';
import { createCreatedEvent, createFakeStream, createNotification } from './fixtures.ts';

/** Reads a stream of the given byte chunks to its end. */
async function readChunks(chunks: Uint8Array[]) {
  const events: StreamEvent[] = [];
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const batches: number[] = [];
  const end = await readEventStream(body, new AbortController().signal, (batch) => {
    batches.push(batch.length);
    events.push(...batch);
  });
  return { events, end, batches };
}

describe('readEventStream()', () => {
  it('delivers events in order, even with UTF-8 characters split across chunks', async () => {
    const first = createCreatedEvent(1, createNotification({ title: 'Grüße 🎉' }));
    const bytes = new TextEncoder().encode(encodeSseFrame(first) + ': ping\n\n' + encodeSseFrame({ type: 'heartbeat', seq: 1 }) + 'retry: 3000\n\n');
    const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.slice(i * 7, i * 7 + 7));
    const { events, end } = await readChunks(chunks);
    expect(events).toEqual([first, { type: 'heartbeat', seq: 1 }]);
    expect(end).toBe(3000);
  });

  it('skips malformed JSON, unknown types and events of the wrong shape', async () => {
    const good = { type: 'heartbeat', seq: 2 } as const;
    const text = 'data: {nope\n\n' + 'data: {"type":"future.thing","seq":1}\n\n' + 'data: {"type":"notification.created","seq":1}\n\n' + encodeSseFrame(good);
    expect((await readChunks([new TextEncoder().encode(text)])).events).toEqual([good]);
  });

  it('calls onChunk once for every chunk of bytes, comments included, with the events it completed', async () => {
    const stream = createFakeStream();
    const log: string[][] = [];
    const reading = readEventStream(stream.response.body!, new AbortController().signal, (events) => log.push(events.map((e) => e.type)));
    stream.write(': keep-alive\n\n');
    stream.send({ type: 'heartbeat', seq: 1 });
    stream.close();
    await reading;
    expect(log).toEqual([[], ['heartbeat']]);
  });

  it('hands over the events of one chunk together, in order', async () => {
    const frames = [createCreatedEvent(1), { type: 'heartbeat', seq: 1 } as const, createCreatedEvent(2)].map(encodeSseFrame).join('');
    const { events, batches } = await readChunks([new TextEncoder().encode(frames + 'data: {"type":"heartbeat"'), new TextEncoder().encode(',"seq":2}\n\n')]);
    expect(events.map((e) => e.seq)).toEqual([1, 1, 2, 2]);
    expect(batches).toEqual([3, 1]);
  });

  it('rejects with network when the stream breaks and aborted when the signal aborts', async () => {
    const broken = createFakeStream();
    const reading = readEventStream(broken.response.body!, new AbortController().signal, () => {});
    broken.fail();
    await expect(reading).rejects.toMatchObject({ code: 'network' });

    const open = createFakeStream();
    const controller = new AbortController();
    const aborted = readEventStream(open.response.body!, controller.signal, () => {});
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'aborted' });
    expect(open.cancelled).toBe(true);
  });
});
