// The unseen count in the page's title, as `(3) Inbox — App`, for users who keep the app in a
// background tab. Our prefix is stripped before a new one is added, so the title the host sets
// (or sets again on navigation) is never lost, and unmounting leaves it without a prefix.
import { useLayoutEffect } from 'preact/hooks';
import type { RefObject } from 'preact';

const PREFIX = /^\(\d+\+?\) /;

/** `title` with `(count) ` in front when count > 0 (99+ above 99), and without any earlier prefix. */
export function titleWithCount(title: string, count: number): string {
  const base = title.replace(PREFIX, '');
  return count > 0 ? `(${count > 99 ? '99+' : count}) ${base}` : base;
}

/** Keeps the document of `ref`'s element titled with `count` while `enabled`; removes the prefix when disabled or unmounted. */
export function useTitleCount(ref: RefObject<Element | null>, count: number, enabled: boolean | undefined): void {
  // A layout effect: its cleanup runs during unmount itself, so the title is restored at once.
  useLayoutEffect(() => {
    const doc = ref.current?.ownerDocument;
    if (!enabled || !doc) return;
    doc.title = titleWithCount(doc.title, count);
    return () => {
      doc.title = titleWithCount(doc.title, 0);
    };
  }, [count, enabled]);
}
