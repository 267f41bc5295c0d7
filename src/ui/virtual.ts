// The range math of the virtualized list, kept pure so it is tested without a browser.
// Item heights are measured once rendered and cached by id; unmeasured items count as an
// estimate. Offsets are prefix sums over all loaded items, rebuilt (O(n)) only when the items or
// a measured height change; lookups are binary searches, so a scroll event costs O(log n).

/** `offsets[i]` is where item `i` starts; `offsets[n]` is the height of the whole list. */
export function getOffsets(ids: readonly string[], heights: ReadonlyMap<string, number>, estimate: number): number[] {
  const offsets = [0];
  for (let i = 0, y = 0; i < ids.length; ) offsets.push((y += heights.get(ids[i++]!) ?? estimate));
  return offsets;
}

/** The index of the item covering `y` (clamped to the list). */
export function indexAt(offsets: readonly number[], y: number): number {
  // The last i in [0, n - 1] with offsets[i] <= y (n items: offsets.length - 1), else 0.
  let lo = 0;
  let hi = Math.max(0, offsets.length - 2);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The items to render, `[start, end)`: those overlapping the viewport `[top, top + height)`
 * plus `overscan` on each side, so keyboard focus and quick scrolls find them already there.
 */
export function getRange(offsets: readonly number[], top: number, height: number, overscan: number): [number, number] {
  const first = indexAt(offsets, top);
  return [Math.max(0, first - overscan), Math.min(offsets.length - 1, Math.max(first, indexAt(offsets, top + height - 1e-3)) + 1 + overscan)];
}
