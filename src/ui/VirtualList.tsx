// A windowed list: only the items near the viewport are in the DOM; the list's padding stands in
// for the ones above and below, so the scrollbar still spans the whole list.
//
// - The list scrolls in its parent element (the panel body, positioned so `offsetTop` is measured
//   from it). Heights are measured with a ResizeObserver and cached by id; the rest count as an
//   estimate.
// - The padding is written through the CSSOM (Preact's style object sets `el.style.*`), which a
//   strict CSP (`style-src 'self'`) allows: only `style` attributes parsed from markup or set with
//   setAttribute are blocked. The e2e test checks both halves of that in Chromium.
// - Scroll anchoring: while scrolled down, the first visible item and how far into it the view
//   starts are kept, and every render puts that item back where it was. Items inserted above, or
//   measured taller than estimated, then never move what the user reads. The browser's own
//   `overflow-anchor` is off (styles) so the two cannot fight; Safari has none anyway.
// - Arrow keys move focus item by item through all items, rendering the ones outside the window.
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { getOffsets, getRange, indexAt } from './virtual.ts';

const ESTIMATE = 88;
const OVERSCAN = 4;
/** How many items before the end of what is loaded `onEndReached` fires. */
const THRESHOLD = 10;

/** Props of `VirtualList`. */
export interface VirtualListProps<T extends { id: string }> {
  items: readonly T[];
  /** Renders one `<li>`; `index` is its position in `items`. */
  renderItem: (item: T, index: number) => ComponentChildren;
  /** Called after a render that shows one of the last few items. */
  onEndReached?: (() => void) | undefined;
}

interface ListState {
  heights: Map<string, number>;
  /** Where the viewport starts, in list coordinates. */
  top: number;
  view: number;
  /** The id of the first visible item while scrolled down, and how far into it the view starts. */
  anchor?: string | undefined;
  delta: number;
  /** The index to focus after the next render, or -1. */
  focus: number;
}

/** Renders the items of `items` near the viewport of its scrolling parent. */
export function VirtualList<T extends { id: string }>({ items, renderItem, onEndReached }: VirtualListProps<T>) {
  const list = useRef<HTMLUListElement>(null);
  const [, rerender] = useState(0);
  const update = () => rerender((n) => n + 1);
  // Until the scroller is measured, its height is taken as 80 % of the window's (the panel's
  // default limits: 80vh as a popover, 70vh inline): the first render then holds every item the
  // first paint shows, instead of a few and the rest after a measuring pass that costs another
  // render and layout in the same frame, and not many more that the measuring pass takes out again.
  const s = useRef<ListState>({ heights: new Map(), top: 0, view: (globalThis.innerHeight || 0) * 0.8, delta: 0, focus: -1 }).current;

  const ids = items.map((item) => item.id);
  const offsets = getOffsets(ids, s.heights, ESTIMATE);
  const anchored = ids.indexOf(s.anchor!);
  if (anchored >= 0) s.top = offsets[anchored]! + s.delta;
  const [start, end] = getRange(offsets, s.top, s.view, OVERSCAN);

  // Runs after every render: the listeners close over this render's offsets and window.
  useLayoutEffect(() => {
    const ul = list.current!;
    const scroller = ul.parentElement!;
    const children = [...ul.children];
    const measure = () => {
      let changed = s.view !== (s.view = scroller.clientHeight);
      children.forEach((li, k) => {
        const height = li.getBoundingClientRect().height;
        // Zero while hidden: keep what was measured when it showed.
        if (height > 0 && s.heights.get(ids[start + k]!) !== height) changed = !!s.heights.set(ids[start + k]!, height);
      });
      if (changed) update();
    };
    const onScroll = () => {
      const y = (s.top = scroller.scrollTop - ul.offsetTop);
      const at = indexAt(offsets, y);
      s.anchor = scroller.scrollTop > 0 ? ids[at] : undefined;
      s.delta = y - offsets[at]!;
      if (`${getRange(offsets, y, s.view, OVERSCAN)}` !== `${start},${end}`) update();
    };
    const observer = new ResizeObserver(measure);
    observer.observe(scroller);
    children.forEach((li) => observer.observe(li));
    scroller.addEventListener('scroll', onScroll);
    // Put the anchored item back where the user saw it. Only then read the layout: a read here
    // forces a layout in the middle of the commit (the first render of the list never needs one).
    const want = s.anchor !== undefined && ul.offsetTop + s.top;
    if (want !== false && Math.abs(scroller.scrollTop - want) >= 1) scroller.scrollTop = want;
    if (s.focus >= 0) children[s.focus - start]?.querySelector<HTMLElement>('a,button')?.focus();
    s.focus = -1;
    if (end > items.length - THRESHOLD) onEndReached?.();
    return () => {
      observer.disconnect();
      scroller.removeEventListener('scroll', onScroll);
    };
  });

  const onKeyDown = (event: KeyboardEvent) => {
    const ul = list.current!;
    const li = (event.target as Element).closest('li');
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
    if (!step || !li || li.parentElement !== ul) return;
    event.preventDefault();
    const next = start + [...ul.children].indexOf(li) + step;
    if (next < 0 || next >= items.length) return;
    s.focus = next;
    // Outside the window: scroll it to the top of the viewport so it renders.
    if (next < start || next >= end) {
      s.anchor = ids[next];
      s.delta = 0;
    }
    update();
  };

  return (
    <ul
      ref={list}
      class="list"
      role="list"
      style={{ paddingTop: `${offsets[start]}px`, paddingBottom: `${offsets[items.length]! - offsets[end]!}px` }}
      onKeyDown={onKeyDown}
    >
      {items.slice(start, end).map((item, k) => renderItem(item, start + k))}
    </ul>
  );
}
