import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmitter } from '../../src/core/emitter.ts';

afterEach(() => vi.useRealTimers());

describe('createEmitter', () => {
  describe('.emit()', () => {
    it('calls the listeners of the event in subscription order', () => {
      const emitter = createEmitter<{ a: number; b: string }>();
      const calls: unknown[] = [];
      emitter.on('a', (n) => calls.push(['first', n]));
      emitter.on('b', (s) => calls.push(['other', s]));
      emitter.on('a', (n) => calls.push(['second', n]));
      emitter.emit('a', 1);
      expect(calls).toEqual([['first', 1], ['second', 1]]);
    });

    it('calls all listeners when some throw and rethrows the first error from a timer', () => {
      vi.useFakeTimers();
      const emitter = createEmitter<{ a: number }>();
      const calls: number[] = [];
      emitter.on('a', () => {
        throw new Error('one');
      });
      emitter.on('a', () => {
        throw new Error('two');
      });
      emitter.on('a', (n) => calls.push(n));
      expect(() => emitter.emit('a', 5)).not.toThrow();
      expect(calls).toEqual([5]);
      expect(() => vi.runAllTimers()).toThrow('one');
    });
  });

  describe('.on()', () => {
    it('returns an unsubscribe that removes only that subscription', () => {
      const emitter = createEmitter<{ a: number }>();
      const calls: number[] = [];
      const listener = (n: number) => calls.push(n);
      const off = emitter.on('a', listener);
      emitter.on('a', listener);
      off();
      emitter.emit('a', 1);
      expect(calls).toEqual([1]);
    });
  });

  describe('during .emit()', () => {
    it('lets an (un)subscription made by a listener take effect from the next emit on', () => {
      const emitter = createEmitter<{ a: number }>();
      const calls: string[] = [];
      emitter.on('a', (n) => {
        calls.push(`first ${n}`);
        offSecond();
        emitter.on('a', (m) => calls.push(`late ${m}`));
      });
      const offSecond = emitter.on('a', (n) => calls.push(`second ${n}`));
      emitter.emit('a', 1);
      expect(calls).toEqual(['first 1', 'second 1']);
    });
  });

  describe('.clear()', () => {
    it('removes every listener', () => {
      const emitter = createEmitter<{ a: number }>();
      const calls: number[] = [];
      emitter.on('a', (n) => calls.push(n));
      emitter.clear();
      emitter.emit('a', 1);
      expect(calls).toEqual([]);
    });
  });
});
