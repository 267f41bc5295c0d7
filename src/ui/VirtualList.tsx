// A windowed list: only the items near the viewport are in the DOM; the list's padding stands in
// for the ones above and below, so the scrollbar still spans the whole list.
//
// - The list scrolls in its parent element (the panel body, positioned so `offsetTop` is measured
//   from it). Heights come from one ResizeObserver for the list's lifetime, which reports each
//   item once when it enters (and again if it resizes), with its size: no layout is read per item.
//   They are cached by id; the rest count as an estimate.
// - The padding is written through the CSSOM (Preact's style object sets `el.style.*`), which a
//   strict CSP (`style-src 'self'`) allows: only `style` attributes parsed from markup or set with
//   setAttribute are blocked. The e2e test checks both halves of that in Chromium.
// - Scroll anchoring: while scrolled down, the first visible item and how far into it the view
//   starts are kept, and a render that moved that item puts it back where it was. Items inserted
//   above, or measured taller than estimated, then never move what the user reads. The browser's
//   own `overflow-anchor` is off (styles) so the two cannot fight; Safari has none anyway.
// - Cost per frame while scrolling: the scroll handler reads the scroll position (layout is clean
//   then) and re-renders only when the window moves; that render reads no layout. A measurement
//   re-renders only when it moves the window or the anchored item; an item entering below the
//   view (the usual case) changes neither padding, so it costs no second render and layout.
// - The first render, before anything is measured, holds what fills the window and no overscan:
//   the first paint (opening the panel) renders no item it does not show.
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
  /** The items `ids` and `offsets` were computed for; `stale` when a height changed since. */
  items?: readonly unknown[];
  ids: string[];
  offsets: number[];
  stale: boolean;
  /** Where the viewport starts, in list coordinates; `y`: where it stood at the last scroll or correction. */
  top: number;
  y: number;
  view: number;
  /** False until the scroller was measured: no overscan before. */
  measured: boolean;
  /** The id of the first visible item while scrolled down, and how far into it the view starts. */
  anchor?: string | undefined;
  delta: number;
  /** The index to focus after the next render, or -1. */
  focus: number;
  /** The rendered window. */
  start: number;
  end: number;
  /** The observed items and their index at the last render; the nodes above the list. */
  observed: Map<Element, number>;
  above: Element[];
  observer?: ResizeObserver;
}

/** Renders the items of `items` near the viewport of its scrolling parent. */
export function VirtualList<T extends { id: string }>({ items, renderItem, onEndReached }: VirtualListProps<T>) {
  const list = useRef<HTMLUListElement>(null);
  const [, rerender] = useState(0);
  const update = () => rerender((n) => n + 1);
  // Until the scroller is measured, its height is taken as the window's (it is rarely taller).
  const s = useRef<ListState>({
    heights: new Map(),
    ids: [],
    offsets: [0],
    stale: true,
    top: 0,
    y: 0,
    view: globalThis.innerHeight || 0,
    measured: false,
    delta: 0,
    focus: -1,
    start: 0,
    end: 0,
    observed: new Map(),
    above: [],
  }).current;

  if (s.items !== items || s.stale) {
    s.items = items;
    s.ids = items.map((item) => item.id);
    s.offsets = getOffsets(s.ids, s.heights, ESTIMATE);
    s.stale = false;
  }
  const { ids, offsets } = s;
  const anchored = ids.indexOf(s.anchor!);
  if (anchored >= 0) s.top = offsets[anchored]! + s.delta;
  const [start, end] = getRange(offsets, s.top, s.view, s.measured ? OVERSCAN : 0);

  // Mount: one observer and one scroll listener for the list's lifetime; they read the latest
  // render's window from `s`.
  useLayoutEffect(() => {
    const ul = list.current!;
    const scroller = ul.parentElement!;
    const changed = () => `${getRange(s.offsets, s.top, s.view, OVERSCAN)}` !== `${s.start},${s.end}`;
    const anchorAt = () => s.ids.indexOf(s.anchor!);
    // Runs after layout, so the reads here are free.
    const measure = (entries: ResizeObserverEntry[]) => {
      let moved = false;
      for (const { target, borderBoxSize } of entries) {
        if (target === scroller) {
          s.view = scroller.clientHeight;
          continue;
        }
        const at = s.observed.get(target);
        // Something above the list (a note) came, went or resized: the items moved under the view.
        if (at === undefined) {
          moved = true;
          s.y = NaN;
          continue;
        }
        const height = borderBoxSize?.[0]?.blockSize ?? target.getBoundingClientRect().height;
        const id = s.ids[at];
        // Zero while hidden: keep what was measured when it showed.
        if (!(height > 0) || id === undefined || s.heights.get(id) === height) continue;
        s.heights.set(id, height);
        s.stale = true;
        // Above the anchored item, the DOM moved what the user reads: put it back.
        if (s.anchor !== undefined && at < anchorAt()) moved = true;
      }
      if (s.stale) {
        s.offsets = getOffsets(s.ids, s.heights, ESTIMATE);
        s.stale = false;
      }
      s.measured = true;
      if (moved || changed()) update();
    };
    const onScroll = () => {
      // A scroll event comes before the frame's style and layout: reading here forces nothing.
      const scrollTop = scroller.scrollTop;
      const y = (s.top = s.y = scrollTop - ul.offsetTop);
      const at = indexAt(s.offsets, y);
      s.anchor = scrollTop > 0 ? s.ids[at] : undefined;
      s.delta = y - s.offsets[at]!;
      s.measured = true;
      if (changed()) update();
    };
    const observer = (s.observer = new ResizeObserver(measure));
    observer.observe(scroller);
    scroller.addEventListener('scroll', onScroll);
    return () => {
      observer.disconnect();
      scroller.removeEventListener('scroll', onScroll);
    };
  }, []);

  // After every render: observe the items that came, forget those that went, and put the
  // anchored item back if this render moved it. Only then read the layout: a read here forces a
  // layout in the middle of the commit, which a render that only moved the window never needs.
  useLayoutEffect(() => {
    const ul = list.current!;
    const scroller = ul.parentElement!;
    const observer = s.observer!;
    const children = ul.children;
    s.start = start;
    s.end = end;
    for (const [li] of s.observed) if (li.parentNode !== ul) observer.unobserve(li), s.observed.delete(li);
    for (let k = 0; k < children.length; k++) {
      const li = children[k]!;
      if (!s.observed.has(li)) observer.observe(li);
      s.observed.set(li, start + k);
    }
    const above: Element[] = [];
    for (let el = ul.previousElementSibling; el; el = el.previousElementSibling) above.push(el);
    if (above.length !== s.above.length || above.some((el, k) => el !== s.above[k])) {
      s.above.forEach((el) => observer.unobserve(el));
      above.forEach((el) => observer.observe(el));
      s.above = above;
      s.y = NaN;
    }
    if (s.anchor !== undefined && s.top !== s.y) {
      const want = ul.offsetTop + s.top;
      if (Math.abs(scroller.scrollTop - want) >= 1) scroller.scrollTop = want;
      s.y = s.top;
    }
    if (s.focus >= 0) children[s.focus - start]?.querySelector<HTMLElement>('a,button')?.focus();
    s.focus = -1;
    if (end > items.length - THRESHOLD) onEndReached?.();
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
