// Toasts: notifications that arrive live show in a small stack for a few seconds. They are visual
// only: the widget's live region already announces new notifications, so the stack is a labelled
// region that never takes focus and never speaks. Hovering or focusing it holds every toast, and
// leaving it gives each one its full time again (WCAG 2.2.1: the user controls the timing).
import { useEffect, useState } from 'preact/hooks';
import type { Inbox } from '../core/index.ts';
import type { Notification } from '../protocol/index.ts';
import { useI18n } from './i18n.ts';
import { RichText } from './RichText.tsx';
import { useValue } from './use-value.ts';

/** How long a toast stays, in ms. */
export const TOAST_MS = 6000;

/** The toast stack of one inbox: the last three notifications received, each for `TOAST_MS`. */
export function Toasts({ inbox }: { inbox: Inbox }) {
  const { t } = useI18n();
  // Each toast with the time it goes.
  const [toasts, setToasts] = useState<[Notification, number][]>([]);
  // Bit 1: hovered, bit 2: focus inside.
  const [held, setHeld] = useState(0);
  const hold = (bit: number, on: boolean) => setHeld((was) => (on ? was | bit : was & ~bit));
  // Rendering reads the user's attributes (templates may use them): re-render when they change.
  useValue(inbox.user);
  const keep = (test: (x: [Notification, number]) => boolean) => setToasts((list) => list.filter(test));

  useEffect(() => inbox.on('notification.received', (n) => setToasts((list) => [...list, [n, Date.now() + TOAST_MS] as [Notification, number]].slice(-3))), [inbox]);
  useEffect(() => {
    if (!held) setToasts((list) => list.map(([n]) => [n, Date.now() + TOAST_MS]));
  }, [held]);
  useEffect(() => {
    if (held || !toasts[0]) return;
    const timer = setTimeout(() => keep((x) => x[1] > Date.now()), Math.min(...toasts.map((x) => x[1])) - Date.now());
    return () => clearTimeout(timer);
  }, [toasts, held]);

  return toasts[0] ? (
    <section
      class="toasts"
      part="toasts"
      aria-label={t.toasts}
      onPointerEnter={() => hold(1, true)}
      onPointerLeave={() => hold(1, false)}
      onFocusIn={() => hold(2, true)}
      onFocusOut={(event) => !(event.currentTarget as Element).contains(event.relatedTarget as Node | null) && hold(2, false)}
    >
      {toasts.map(([n]) => {
        const { title, message } = inbox.render(n);
        return (
          <div key={n.id} class="toast" part="toast">
            <div class="content">
              <strong>
                <RichText nodes={title} links={false} />
              </strong>
              <div class="message">
                <RichText nodes={message} links={false} />
              </div>
            </div>
            <button type="button" class="close" aria-label={t.dismiss} onClick={() => keep((x) => x[0] !== n)}>
              ×
            </button>
          </div>
        );
      })}
    </section>
  ) : null;
}
