import { describe, expect, it } from 'vitest';
import { getOffsets, getRange, indexAt } from '../../src/ui/virtual.ts';

const ids = (count: number) => Array.from({ length: count }, (_, i) => `n${i}`);

describe('virtual', () => {
  describe('getOffsets()', () => {
    it('sums measured heights and the estimate for the unmeasured', () => {
      const heights = new Map([
        ['n0', 50],
        ['n2', 120],
      ]);
      expect(getOffsets(ids(4), heights, 80)).toEqual([0, 50, 130, 250, 330]);
    });

    it('answers [0] for no items', () => {
      expect(getOffsets([], new Map(), 80)).toEqual([0]);
    });
  });

  describe('indexAt()', () => {
    const offsets = getOffsets(ids(5), new Map(), 100); // 0, 100, ..., 500

    it('finds the item covering a position, its start included', () => {
      expect(indexAt(offsets, 0)).toBe(0);
      expect(indexAt(offsets, 99.5)).toBe(0);
      expect(indexAt(offsets, 100)).toBe(1);
      expect(indexAt(offsets, 450)).toBe(4);
    });

    it('clamps positions outside the list', () => {
      expect(indexAt(offsets, -30)).toBe(0);
      expect(indexAt(offsets, 10_000)).toBe(4);
    });
  });

  describe('getRange()', () => {
    const offsets = getOffsets(ids(10_000), new Map(), 100);

    it('covers the viewport plus the overscan on both sides', () => {
      // Viewport 1250..1750 shows items 12 to 17.
      expect(getRange(offsets, 1250, 500, 3)).toEqual([9, 21]);
    });

    it('does not count an item that only touches the viewport bottom', () => {
      expect(getRange(offsets, 1000, 500, 0)).toEqual([10, 15]);
    });

    it('stays inside the list at both ends', () => {
      expect(getRange(offsets, 0, 500, 4)).toEqual([0, 9]);
      expect(getRange(offsets, 999_600, 400, 4)).toEqual([9992, 10_000]);
    });

    it('renders the first item and the overscan before the viewport is measured', () => {
      expect(getRange(offsets, 0, 0, 4)).toEqual([0, 5]);
    });

    it('keeps the window small for 10,000 items wherever it is', () => {
      for (const top of [0, 123_456, 500_000, 999_500]) {
        const [start, end] = getRange(offsets, top, 560, 4);
        expect(end - start).toBeLessThanOrEqual(60);
        expect(start).toBeLessThanOrEqual(Math.floor(top / 100));
      }
    });

    it('follows measured heights', () => {
      const heights = new Map(ids(10).map((id) => [id, 40]));
      const mixed = getOffsets(ids(100), heights, 100); // ten items of 40, then 100 each
      expect(getRange(mixed, 0, 400, 0)).toEqual([0, 10]);
      expect(getRange(mixed, 400, 400, 0)).toEqual([10, 14]);
    });
  });
});
