import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../src/index.ts';

describe('createMemoryBus', () => {
  describe('.publish()', () => {
    it('pokes the subscribers of the topic only', async () => {
      const bus = createMemoryBus();
      const seen: string[] = [];
      await bus.subscribe('user:1', (seq) => seen.push(`a${seq}`));
      await bus.subscribe('user:2', (seq) => seen.push(`b${seq}`));
      await bus.publish('user:1', 7);
      expect(seen).toEqual(['a7']);
    });

    it('calls every listener even if one throws, then rethrows the first error', async () => {
      const bus = createMemoryBus();
      const seen: number[] = [];
      await bus.subscribe('t', () => {
        throw new Error('first');
      });
      await bus.subscribe('t', (seq) => seen.push(seq));
      await expect(bus.publish('t', 1)).rejects.toThrow('first');
      expect(seen).toEqual([1]);
    });
  });

  describe('.subscribe()', () => {
    it('answers an unsubscribe that ends only its own subscription', async () => {
      const bus = createMemoryBus();
      const seen: number[] = [];
      const listener = (seq: number) => seen.push(seq);
      const first = await bus.subscribe('t', listener);
      await bus.subscribe('t', listener);
      first();
      first();
      await bus.publish('t', 3);
      expect(seen).toEqual([3]);
    });
  });
});
