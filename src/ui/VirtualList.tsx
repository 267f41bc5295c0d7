// A windowed list: only the items near the viewport are in the DOM; the list's padding stands in
// for the ones above and below, so the scrollbar still spans the whole list.
//
// - The list scrolls in its parent element (the panel body), as its first child, so list and
//   scroller coordinates are the same. Heights come from one ResizeObserver for the list's
//   lifetime, which reports the rendered items after each render's layout, with their sizes: no
//   layout is read per item. They are cached by id; the rest count as an estimate.
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
  /** The items `ids` and `offsets` were computed for. */
  items?: readonly unknown[];
  ids: string[];
  offsets: number[];
  /** Where the viewport starts, in list coordinates; `y`: where it stood at the last scroll or correction. */
  top: number;
  y: number;
  view: number;
  /** Whether the scroller was last seen hidden (`display: none`: zero high). */
  hidden?: boolean;
  /** 0 until the list was measured or scrolled, then OVERSCAN. */
  overscan: number;
  /** The id of the first visible item while scrolled down, and how far into it the view starts. */
  anchor?: string | undefined;
  delta: number;
  /** The index to focus after the next render, or -1 (or none). */
  focus?: number;
  /** The rendered window and its `<li>`s, as the observer sees them. */
  start: number;
  end: number;
  lis: Element[];
  observer?: ResizeObserver;
}

/** Renders the items of `items` near the viewport of its scrolling parent, the list its first child. */
export function VirtualList<T extends { id: string }>({ items, renderItem, onEndReached }: VirtualListProps<T>) {
  const list = useRef<HTMLUListElement>(null);
  const [, rerender] = useState(0);
  const update = () => rerender((n) => n + 1);
  // Until the scroller is measured, its height is taken as 80 % of the window's (the panel's
  // default limits: 80vh as a popover, 70vh inline): the first render then holds every item the
  // first paint shows, and not many more that the measuring pass would take out again.
  const s = useRef({ heights: new Map(), top: 0, view: (globalThis.innerHeight || 0) * 0.8, overscan: 0, lis: [] } as unknown as ListState).current;
  if (s.items !== items) s.offsets = getOffsets((s.ids = (s.items = items).map((item) => item.id)), s.heights, ESTIMATE);
  const { ids, offsets } = s;
  const anchored = ids.indexOf(s.anchor!);
  if (anchored >= 0) s.top = offsets[anchored]! + s.delta;
  const [start, end] = getRange(offsets, s.top, s.view, s.overscan);

  // Mount: one observer and one scroll listener for the list's lifetime; they read the latest
  // render's window from `s`.
  useLayoutEffect(() => {
    const scroller = list.current!.parentElement!;
    // Whether the window, with its overscan from now on, is not the rendered one.
    const moved = () => `${getRange(s.offsets, s.top, s.view, (s.overscan = OVERSCAN))}` !== `${s.start},${s.end}`;
    // Runs after layout: its reads force nothing.
    const observer = (s.observer = new ResizeObserver((entries) => {
      let above = false;
      let changed = false;
      for (const { target, borderBoxSize } of entries) {
        // Zero while hidden (the preferences view in the list's place): keep the window as it was,
        // and the scroll position, which some browsers drop with the box, for when it shows again.
        if (target === scroller) {
          const view = scroller.clientHeight;
          if (view && s.hidden) scroller.scrollTop = s.y;
          s.hidden = !view;
          s.view = view || s.view;
        }
        const at = s.start + s.lis.indexOf(target);
        const id = s.ids[at]!;
        const height = borderBoxSize[0]!.blockSize;
        // Zero while hidden: keep what was measured when it showed.
        if (at < s.start || !(height > 0) || s.heights.get(id) === height) continue;
        changed = !!s.heights.set(id, height);
        // Above the anchored item, the DOM moved what the user reads: it must be put back.
        above ||= at < s.ids.indexOf(s.anchor!);
      }
      if (changed) s.offsets = getOffsets(s.ids, s.heights, ESTIMATE);
      if (moved() || above) update();
    }));
    const onScroll = () => {
      if (s.hidden) return;
      // A scroll event comes before the frame's style and layout: this read forces nothing.
      const y = (s.top = s.y = scroller.scrollTop);
      const at = indexAt(s.offsets, y);
      s.anchor = y > 0 ? s.ids[at] : undefined;
      s.delta = y - s.offsets[at]!;
      if (moved()) update();
    };
    observer.observe(scroller);
    scroller.addEventListener('scroll', onScroll);
    return () => {
      observer.disconnect();
      scroller.removeEventListener('scroll', onScroll);
    };
  }, []);

  // After every render: observe the items (again: each reports its size once more, which costs
  // no layout), forget those that went (a detached node stays alive while observed), and put the
  // anchored item back if this render moved it. Only then touch the layout: a write here forces a
  // layout in the middle of the commit, which a render that only moved the window never needs.
  useLayoutEffect(() => {
    const { observer } = s;
    const lis = [...list.current!.children];
    s.lis.forEach((li) => observer!.unobserve(li));
    lis.forEach((li) => observer!.observe(li));
    s.lis = lis;
    s.start = start;
    s.end = end;
    if (s.anchor !== undefined && Math.abs(s.top - s.y) >= 1) list.current!.parentElement!.scrollTop = s.y = s.top;
    if (s.focus! >= 0) lis[s.focus! - start]?.querySelector<HTMLElement>('a,button')?.focus();
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
