// The bus contract suite: every Bus implementation runs it (Hono's common-case pattern). Pokes
// may arrive asynchronously (Redis), so absence is checked behind a later marker poke: one bus's
// pokes arrive in the order they were published.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bus, PokeListener } from '../../src/index.ts';

/** Polls `assertion` until it passes or `timeoutMs` ran out (then its last error is thrown). */
export async function eventually(assertion: () => void | Promise<void>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** A listener that records the seqs it is poked with, and whether each poke said pokes were missed. */
export function createRecorder(): PokeListener & { seqs: number[]; missed: boolean[] } {
  const seqs: number[] = [];
  const missed: boolean[] = [];
  const recorder = ((seq: number, wasMissed?: boolean) => {
    seqs.push(seq);
    missed.push(wasMissed === true);
  }) as PokeListener & { seqs: number[]; missed: boolean[] };
  recorder.seqs = seqs;
  recorder.missed = missed;
  return recorder;
}

/** Registers the contract tests for one implementation; `open` gives a fresh bus, ready to use. */
export function describeBusContract(name: string, open: () => Promise<{ bus: Bus; cleanup: () => Promise<void> }>): void {
  describe(`Bus contract: ${name}`, () => {
    let bus: Bus;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ bus, cleanup } = await open());
    });
    afterEach(async () => cleanup());

    /** Publishes a marker on its own topic and waits for it: earlier pokes have arrived by then. */
    async function settle(): Promise<void> {
      const marker = createRecorder();
      const stop = await bus.subscribe('marker', marker);
      await bus.publish('marker', 1);
      await eventually(() => expect(marker.seqs).toEqual([1]));
      stop();
    }

    describe('.publish()', () => {
      it('pokes the subscribers of the topic only', async () => {
        const first = createRecorder();
        const second = createRecorder();
        await bus.subscribe('user:1', first);
        await bus.subscribe('user:2', second);
        await bus.publish('user:1', 7);
        await bus.publish('user:2', 8);
        await eventually(() => expect(second.seqs).toEqual([8]));
        expect(first.seqs).toEqual([7]);
      });

      it('pokes every listener of the topic once, in publish order', async () => {
        const first = createRecorder();
        const second = createRecorder();
        await bus.subscribe('user:1', first);
        await bus.subscribe('user:1', second);
        for (const seq of [1, 2, 3]) await bus.publish('user:1', seq);
        await eventually(() => expect(second.seqs).toEqual([1, 2, 3]));
        expect(first.seqs).toEqual([1, 2, 3]);
        // Nothing was lost on the way, and the pokes say so.
        expect(first.missed).toEqual([false, false, false]);
      });

      it('calls every listener even if one throws', async () => {
        const before = createRecorder();
        const after = createRecorder();
        await bus.subscribe('t', before);
        await bus.subscribe('t', () => {
          throw new Error('listener failed');
        });
        await bus.subscribe('t', after);
        // The memory bus rethrows to the publisher; across processes there is no one to tell.
        await bus.publish('t', 1).catch(() => {});
        await eventually(() => expect(after.seqs).toEqual([1]));
        expect(before.seqs).toEqual([1]);
      });
    });

    describe('.publishMany()', () => {
      it('pokes the subscribers of each topic in the batch, in the order given, and skips topics nobody follows', async () => {
        const first = createRecorder();
        const second = createRecorder();
        await bus.subscribe('user:1', first);
        await bus.subscribe('user:2', second);
        await bus.publishMany([
          { topic: 'user:1', seq: 1 },
          { topic: 'user:9', seq: 4 },
          { topic: 'user:2', seq: 5 },
          { topic: 'user:1', seq: 2 },
        ]);
        await eventually(() => expect([first.seqs, second.seqs]).toEqual([[1, 2], [5]]));
        expect([first.missed, second.missed]).toEqual([[false, false], [false]]);
        await settle();
        expect([first.seqs, second.seqs]).toEqual([[1, 2], [5]]);
      });

      it('keeps the order of pokes published alone and in batches', async () => {
        const seen = createRecorder();
        await bus.subscribe('user:1', seen);
        await bus.publish('user:1', 1);
        await bus.publishMany([{ topic: 'user:1', seq: 2 }]);
        await bus.publish('user:1', 3);
        await bus.publishMany([{ topic: 'user:1', seq: 4 }, { topic: 'user:1', seq: 5 }]);
        await eventually(() => expect(seen.seqs).toEqual([1, 2, 3, 4, 5]));
      });

      it('resolves for an empty batch, poking nobody', async () => {
        const seen = createRecorder();
        await bus.subscribe('user:1', seen);
        await bus.publishMany([]);
        await settle();
        expect(seen.seqs).toEqual([]);
      });

      it('calls every listener even if one throws', async () => {
        const before = createRecorder();
        const after = createRecorder();
        await bus.subscribe('t', before);
        await bus.subscribe('t', () => {
          throw new Error('listener failed');
        });
        await bus.subscribe('u', after);
        await bus.publishMany([{ topic: 't', seq: 1 }, { topic: 'u', seq: 2 }]).catch(() => {});
        await eventually(() => expect(after.seqs).toEqual([2]));
        expect(before.seqs).toEqual([1]);
      });
    });

    describe('.subscribe()', () => {
      it('resolves once active: a poke published right after it arrives', async () => {
        const recorders = Array.from({ length: 20 }, () => createRecorder());
        for (const [index, recorder] of recorders.entries()) {
          await bus.subscribe(`fresh:${index}`, recorder);
          await bus.publish(`fresh:${index}`, index + 1);
        }
        await eventually(() => expect(recorders.map((r) => r.seqs)).toEqual(recorders.map((_, index) => [index + 1])));
      });

      it('answers an unsubscribe that ends only its own subscription', async () => {
        const seen = createRecorder();
        const first = await bus.subscribe('t', seen);
        await bus.subscribe('t', seen);
        first();
        first();
        await bus.publish('t', 3);
        await eventually(() => expect(seen.seqs).toEqual([3]));
        await settle();
        expect(seen.seqs).toEqual([3]);
      });

      it('stops poking once the last listener left, and starts again on a new subscription', async () => {
        const gone = createRecorder();
        const stops = [await bus.subscribe('t', gone), await bus.subscribe('t', gone)];
        for (const stop of stops) stop();
        await bus.publish('t', 1);
        const back = createRecorder();
        await bus.subscribe('t', back);
        await bus.publish('t', 2);
        // Only `gone` is pinned: a stray earlier poke reaching the new listener is harmless.
        await eventually(() => expect(back.seqs).toContain(2));
        await settle();
        expect(gone.seqs).toEqual([]);
      });
    });

    describe('.close()', () => {
      it('ends every subscription', async () => {
        const seen = createRecorder();
        await bus.subscribe('t', seen);
        await bus.close();
        await bus.publish('t', 1).catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(seen.seqs).toEqual([]);
      });
    });
  });
}
