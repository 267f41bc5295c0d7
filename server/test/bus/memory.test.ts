import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../src/index.ts';
import { openBus } from '../../src/bus/index.ts';
import { createRecorder, describeBusContract } from './contract.ts';

describeBusContract('memory', async () => {
  const bus = createMemoryBus();
  return { bus, cleanup: () => bus.close() };
});

describe('createMemoryBus', () => {
  describe('.publish()', () => {
    it('pokes the listeners before it resolves, then rethrows the first error', async () => {
      const bus = createMemoryBus();
      const seen = createRecorder();
      await bus.subscribe('t', () => {
        throw new Error('first');
      });
      await bus.subscribe('t', () => {
        throw new Error('second');
      });
      await bus.subscribe('t', seen);
      const published = bus.publish('t', 1);
      expect(seen.seqs).toEqual([1]);
      await expect(published).rejects.toThrow('first');
    });
  });
});

describe('openBus', () => {
  it('opens the memory bus when no URL is given', async () => {
    for (const url of [undefined, null, '']) {
      const bus = await openBus(url);
      const seen = createRecorder();
      await bus.subscribe('t', seen);
      const published = bus.publish('t', 4);
      // Synchronous delivery is what tells the memory bus apart from Redis.
      expect(seen.seqs).toEqual([4]);
      await published;
      await bus.close();
    }
  });

  it('refuses a URL that is not redis:// or rediss://', async () => {
    await expect(openBus('http://127.0.0.1:6379')).rejects.toThrow('redis:// or rediss://');
  });
});
