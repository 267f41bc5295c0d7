// The range math of the virtualized list, kept pure so it is tested without a browser.
// Item heights are measured once rendered and cached by id; unmeasured items count as an
// estimate. Offsets are prefix sums over all loaded items and lookups scan them: O(n) per
// render, which for 10,000 items is a few microseconds and keeps the math (and the bytes) small.

/** `offsets[i]` is where item `i` starts; `offsets[n]` is the height of the whole list. */
export function getOffsets(ids: readonly string[], heights: ReadonlyMap<string, number>, estimate: number): number[] {
  const offsets = [0];
  for (let i = 0, y = 0; i < ids.length; ) offsets.push((y += heights.get(ids[i++]!) ?? estimate));
  return offsets;
}

/** The index of the item covering `y` (clamped to the list). */
export function indexAt(offsets: readonly number[], y: number): number {
  let i = 0;
  while (i < offsets.length - 2 && offsets[i + 1]! <= y) i++;
  return i;
}

/**
 * The items to render, `[start, end)`: those overlapping the viewport `[top, top + height)`
 * plus `overscan` on each side, so keyboard focus and quick scrolls find them already there.
 */
export function getRange(offsets: readonly number[], top: number, height: number, overscan: number): [number, number] {
  const first = indexAt(offsets, top);
  return [Math.max(0, first - overscan), Math.min(offsets.length - 1, Math.max(first, indexAt(offsets, top + height - 1e-3)) + 1 + overscan)];
}
