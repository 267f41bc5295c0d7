// Holds back the inline panel while the inbox is still loading with nothing to show: the cached
// copy usually arrives within a frame or two, and showing "Loading" first costs a whole
// style/layout/paint pass and flashes a message that is gone at once. After SETTLE_MS, or as soon
// as there are notifications or the first load ended, the panel shows, and stays.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Inbox } from '../core/index.ts';
import { useValue } from './use-value.ts';

/** How long the panel may stay hidden while the cache is read. */
export const SETTLE_MS = 50;

/** `children`, once `inbox` has something to show (or SETTLE_MS passed). */
export function Settled({ inbox, children }: { inbox: Inbox; children: ComponentChildren }) {
  const empty = useValue(inbox.notifications).length === 0;
  const loading = useValue(inbox.status) === 'loading';
  const [late, setLate] = useState(false);
  const shown = useRef(false);
  const wait = !shown.current && !late && empty && loading;
  shown.current ||= !wait;
  useEffect(() => {
    if (!wait) return;
    const timer = setTimeout(() => setLate(true), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [wait]);
  // The same children as last time are not diffed again: re-renders here cost nothing below.
  return wait ? null : <>{children}</>;
}
