// Toasts: notifications that arrive live show in a small stack for a few seconds. They are visual
// only: the widget's live region already announces new notifications, so the stack is a labelled
// region that never takes focus and never speaks. Hovering or focusing it holds every toast, and
// leaving it gives each one its full time again (WCAG 2.2.1: the user controls timing).
import { useEffect, useState } from 'preact/hooks';
import type { Inbox } from '../core/index.ts';
import type { Notification } from '../protocol/index.ts';
import { ITEM_STRINGS } from './item-strings.ts';
import { RichText } from './RichText.tsx';

/** How long a toast stays, in ms. */
export const TOAST_MS = 6000;
/** The most toasts shown at once; older ones make room. */
const MAX = 3;

/** Props of `Toasts`. */
export interface ToastsProps {
  inbox: Inbox;
}

interface Toast {
  n: Notification;
  /** When it goes, in ms since the epoch. */
  until: number;
}

/** The toast stack of one inbox. */
export function Toasts({ inbox }: ToastsProps) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  // Bit 1: hovered, bit 2: focus inside.
  const [held, setHeld] = useState(0);
  const hold = (bit: number, on: boolean) => setHeld((was) => (on ? was | bit : was & ~bit));
  const dismiss = (id: string) => setToasts((list) => list.filter((t) => t.n.id !== id));

  useEffect(
    () => inbox.on('notification.received', (n) => setToasts((list) => [...list.filter((t) => t.n.id !== n.id), { n, until: Date.now() + TOAST_MS }].slice(-MAX))),
    [inbox],
  );

  useEffect(() => {
    if (!held) setToasts((list) => list.map((t) => ({ ...t, until: Date.now() + TOAST_MS })));
  }, [held]);

  useEffect(() => {
    if (held || toasts.length === 0) return;
    const timer = setTimeout(
      () => setToasts((list) => list.filter((t) => t.until > Date.now())),
      Math.min(...toasts.map((t) => t.until)) - Date.now(),
    );
    return () => clearTimeout(timer);
  }, [toasts, held]);

  if (toasts.length === 0) return null;
  return (
    <section
      class="toasts"
      part="toasts"
      aria-label={ITEM_STRINGS.toasts}
      onPointerEnter={() => hold(1, true)}
      onPointerLeave={() => hold(1, false)}
      onFocusIn={() => hold(2, true)}
      onFocusOut={(event) => {
        if (!(event.currentTarget as Element).contains(event.relatedTarget as Node | null)) hold(2, false);
      }}
    >
      {toasts.map(({ n }) => {
        const { title, message } = inbox.render(n);
        return (
          <div key={n.id} class="toast" part="toast">
            <div class="content">
              <strong class="toast-title">
                <RichText nodes={title} links={false} />
              </strong>
              {message.length > 0 && (
                <div class="message">
                  <RichText nodes={message} links={false} />
                </div>
              )}
            </div>
            <button type="button" class="close" aria-label={ITEM_STRINGS.dismiss} onClick={() => dismiss(n.id)}>
              ×
            </button>
          </div>
        );
      })}
    </section>
  );
}
