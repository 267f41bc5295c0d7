// The root component: the bell and its popover panel, or the panel alone in inline mode.
// Owns the open state, focus return, outside clicks and "seen" bookkeeping.
// Installs the Preact integration: components that read a signal's .value re-render when it changes.
import '@preact/signals';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { Bell } from './Bell.tsx';
import { fireAndForget } from './fire-and-forget.ts';
import { ItemOptions } from './item-options.ts';
import { Panel } from './Panel.tsx';
import { useTitleCount } from './title-count.ts';
import { Toasts } from './Toasts.tsx';
import type { MountInboxOptions } from './types.ts';

const TICK_MS = 60_000;

/** The whole widget for one inbox. */
export function InboxWidget({ inbox, mode = 'popover', theme = 'auto', locale, onNotificationClick, ...options }: MountInboxOptions) {
  const panelId = useId();
  const [open, setOpen] = useState(false);
  const [now, setNow] = useState(Date.now);
  const rootRef = useRef<HTMLDivElement>(null);
  const bellRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const wasVisible = useRef(false);
  const counts = inbox.counts.value;
  const visible = mode === 'inline' || open;
  useTitleCount(rootRef, counts.unseen, options.titleCount);

  // Seen = shown in an open panel. Mark on opening, and again when new ones arrive while open;
  // not on every count change, or a failing call would be retried in a loop.
  useEffect(() => {
    const opening = visible && !wasVisible.current;
    wasVisible.current = visible;
    if (opening || (visible && counts.unseen > 0)) fireAndForget(() => inbox.markAllSeen());
  }, [visible, counts.unseen, inbox]);

  // Relative times go stale; refresh them while the panel is visible, and on each opening.
  useEffect(() => {
    if (!visible) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [visible]);

  useEffect(() => {
    if (!open || mode !== 'popover') return;
    panelRef.current?.focus();
    const root = rootRef.current;
    const doc = root?.ownerDocument;
    if (!root || !doc) return;
    // A bell near the start edge would open the panel off-screen: open it towards the end instead.
    const { left, right } = panelRef.current!.getBoundingClientRect();
    panelRef.current!.toggleAttribute('data-flip', left < 0 || right > doc.documentElement.clientWidth);
    // Listening on the document sees events retargeted to the shadow host; composedPath() still
    // lists the nodes inside an open shadow root, so it tells inside from outside.
    const onPointerDown = (event: Event) => {
      if (!event.composedPath().includes(root)) setOpen(false);
    };
    doc.addEventListener('pointerdown', onPointerDown, true);
    return () => doc.removeEventListener('pointerdown', onPointerDown, true);
  }, [open, mode]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !open || mode !== 'popover') return;
    event.stopPropagation();
    setOpen(false);
    bellRef.current?.focus();
  };

  const panel = (
    <ItemOptions.Provider value={options}>
      <Panel id={panelId} inbox={inbox} mode={mode} now={now} locale={locale} onNotificationClick={onNotificationClick} panelRef={panelRef} />
    </ItemOptions.Provider>
  );
  return (
    <div ref={rootRef} class="belfry" data-mode={mode} data-theme={theme} lang={locale} onKeyDown={onKeyDown}>
      {mode === 'inline' ? (
        panel
      ) : (
        <>
          <Bell
            unseen={counts.unseen}
            unread={counts.unread}
            expanded={open}
            controls={panelId}
            onClick={() => setOpen((was) => !was)}
            buttonRef={bellRef}
          />
          {open && panel}
        </>
      )}
      {options.toasts && <Toasts inbox={inbox} />}
    </div>
  );
}
