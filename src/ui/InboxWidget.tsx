// The root component: the bell and its popover panel, or the panel alone in inline mode.
// Owns the open state, focus return, outside clicks, placement, "seen" bookkeeping, the widget's
// language and the live region that announces new notifications.
//
// The popover's panel is rendered before it is first opened, hidden, once the page is idle after
// mounting (or as soon as the pointer or focus reaches the widget): opening then only reveals,
// places and focuses it. Rendering it in the click's task was most of an opening's cost (Preact
// building the header, tabs and list, then their first style and layout). Hidden, it stays up to
// date (it reads the same signals) but marks nothing seen and runs no timers.
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Bell } from './Bell.tsx';
import { fireAndForget } from './fire-and-forget.ts';
import { createI18n, I18nContext, isRtl, resolveLocale } from './i18n.ts';
import { ItemOptions } from './item-options.ts';
import { Panel } from './Panel.tsx';
import { Settled } from './Settled.tsx';
import { useTitleCount } from './title-count.ts';
import { Toasts } from './Toasts.tsx';
import type { MountInboxOptions } from './types.ts';
import { useValue } from './use-value.ts';

const TICK_MS = 60_000;
const FRESH_MS = 1_000;
// How long the hidden panel may wait for an idle moment after mounting; when to render it where
// the browser has no requestIdleCallback.
const PRERENDER_TIMEOUT_MS = 2_000;
const PRERENDER_DELAY_MS = 500;
/** At most one announcement per this many ms; arrivals in between are summed into the next one. */
export const ANNOUNCE_INTERVAL_MS = 5_000;
// The least distance the popover keeps from the viewport's edges.
const MARGIN = 8;

/** The whole widget for one inbox. */
export function InboxWidget(props: MountInboxOptions) {
  const { inbox, mode = 'popover', theme = 'auto', placement = 'bottom-end', locale, translations, onNotificationClick, ...rest } = props;
  // One object per set of props: the widget's own re-renders (opening, counts, announcements) keep
  // it, or the context would render every item again each time.
  const options = useMemo(() => rest, [props]);
  const panelId = useId();
  const [open, setOpen] = useState(false);
  // Whether the popover's panel is rendered (hidden while closed); it stays once it was.
  const [prerendered, setPrerendered] = useState(false);
  const [now, setNow] = useState(Date.now);
  const [announcement, setAnnouncement] = useState({ text: '', times: 0 });
  const rootRef = useRef<HTMLDivElement>(null);
  const bellRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const wasVisible = useRef(false);
  const lang = resolveLocale(locale);
  const i18n = useMemo(() => createI18n(lang, translations), [lang, translations]);
  const i18nRef = useRef(i18n);
  i18nRef.current = i18n;
  const counts = useValue(inbox.counts);
  const visible = mode === 'inline' || open;
  const popoverOpen = open && mode === 'popover';
  useTitleCount(rootRef, counts.unseen, options.titleCount);
  const prerender = () => prerendered || setPrerendered(true);

  // The hidden panel is rendered when the page next has time to spare (requestIdleCallback; a
  // timer where there is none, as in Safari), so mounting the bell stays as cheap as it was.
  useEffect(() => {
    const view = rootRef.current!.ownerDocument.defaultView!;
    if (mode !== 'popover' || prerendered) return;
    const idle = !!view.requestIdleCallback;
    const id = idle ? view.requestIdleCallback(prerender, { timeout: PRERENDER_TIMEOUT_MS }) : view.setTimeout(prerender, PRERENDER_DELAY_MS);
    return () => (idle ? view.cancelIdleCallback(id) : view.clearTimeout(id));
  }, [mode, prerendered]);

  // Seen = shown in an open panel. Mark on opening, and again when new ones arrive while open;
  // not on every count change, or a failing call would be retried in a loop.
  useEffect(() => {
    const opening = visible && !wasVisible.current;
    wasVisible.current = visible;
    if (opening || (visible && counts.unseen > 0)) fireAndForget(() => inbox.markAllSeen());
  }, [visible, counts.unseen, inbox]);

  // Relative times go stale; refresh them while the panel is visible, and on each opening: in the
  // click's render (toggle), so the first frame shows them right; here for the inline panel. Not
  // when the clock is still fresh (as at mount): that would re-render the whole widget for nothing.
  const refreshNow = () => setNow((was) => (Date.now() - was < FRESH_MS ? was : Date.now()));
  const toggle = () => {
    if (!open) refreshNow();
    setOpen(!open);
  };
  useEffect(() => {
    if (!visible) return;
    refreshNow();
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [visible]);

  // New arrivals are announced politely, throttled: the first at once, then at most one summary
  // ("3 new notifications") per interval, so a burst does not drown out what the user is doing.
  useEffect(() => {
    let pending = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      if (pending === 0) return;
      const text = i18nRef.current.newCount(pending);
      pending = 0;
      // `times` changes the text's trailing space, so an identical message is announced again.
      setAnnouncement((was) => ({ text, times: was.times + 1 }));
      timer = setTimeout(flush, ANNOUNCE_INTERVAL_MS);
    };
    const unsubscribe = inbox.on('notification.received', () => {
      pending++;
      if (!timer) flush();
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [inbox]);

  // The stylesheet anchors the popover to the bell's edge that `placement` names (inline-end by
  // default, mirrored in RTL by logical properties), below it or, with `data-up`, above it. Where
  // that would cross the viewport's edge, shift it back in; where there is no room on the chosen
  // side of the bell but more on the other, open there. A CSSOM write, not a style attribute, so
  // a strict CSP (no 'unsafe-inline' styles) allows it.
  //
  // Placing and focusing happen in the commit that shows the panel (a layout effect), so nothing,
  // not a key press nor a script, meets a shown panel that is not yet placed and focused. The panel
  // was rendered and laid out while hidden: the layout they read costs only what revealing it
  // changed, which the frame would lay out anyway. (When it was first rendered by the click
  // itself, before the page was idle, this is its first layout.) Measure once, write only what
  // moves, then focus. Outside presses close the popover from the same commit on.
  useLayoutEffect(() => {
    const panel = panelRef.current;
    const doc = panel?.ownerDocument;
    const view = doc?.defaultView;
    if (!popoverOpen || !panel || !view) return;
    // The widget's root: the bell and the panel.
    const root = panel.parentNode!;
    // Listening on the document sees events retargeted to the shadow host; composedPath() still
    // lists the nodes inside an open shadow root, so it tells inside from outside.
    const onPointerDown = (event: Event) => {
      if (!event.composedPath().includes(root)) setOpen(false);
    };
    const place = () => {
      // Not on small screens, where the stylesheet pins the panel to the viewport instead.
      const fixed = view.getComputedStyle(panel).position === 'fixed';
      // A test, not startsWith: a script may pass anything, and a bad value must not break the widget.
      const up = !fixed && /^top/.test(placement);
      panel.style.translate = '';
      panel.toggleAttribute('data-up', up);
      const box = panel.getBoundingClientRect();
      if (box.width === 0) return;
      const width = doc.documentElement.clientWidth;
      const shift = box.left < MARGIN ? MARGIN - box.left : box.right > width - MARGIN ? Math.max(MARGIN - box.left, width - MARGIN - box.right) : 0;
      if (shift) panel.style.translate = `${shift}px`;
      const bell = bellRef.current?.getBoundingClientRect();
      const roomAbove = bell && bell.top > view.innerHeight - bell.bottom;
      if (bell && !fixed && (up ? box.top < 0 && !roomAbove : box.bottom > view.innerHeight && roomAbove)) panel.toggleAttribute('data-up', !up);
    };
    place();
    // Unless focus is in the panel already (placed again for a new placement). No scrolling: the
    // panel opens at the bell just pressed.
    if (!panel.contains((panel.getRootNode() as ShadowRoot).activeElement)) panel.focus({ preventScroll: true });
    view.addEventListener('resize', place);
    doc.addEventListener('pointerdown', onPointerDown, true);
    return () => {
      view.removeEventListener('resize', place);
      doc.removeEventListener('pointerdown', onPointerDown, true);
    };
  }, [popoverOpen, placement]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !popoverOpen) return;
    event.stopPropagation();
    setOpen(false);
    bellRef.current?.focus();
  };

  const panel = (
    <ItemOptions.Provider value={options}>
      <Panel id={panelId} inbox={inbox} mode={mode} now={now} hidden={!visible} onNotificationClick={onNotificationClick} panelRef={panelRef} />
    </ItemOptions.Provider>
  );
  return (
    <I18nContext.Provider value={i18n}>
      <div
        ref={rootRef}
        class="belfry"
        data-mode={mode}
        data-theme={theme}
        data-placement={placement}
        lang={lang}
        dir={isRtl(lang) ? 'rtl' : 'ltr'}
        onKeyDown={onKeyDown}
        onPointerOver={prerender}
        onFocusIn={prerender}
      >
        {mode === 'inline' ? (
          <Settled inbox={inbox}>{panel}</Settled>
        ) : (
          <>
            <Bell
              unseen={counts.unseen}
              unread={counts.unread}
              expanded={open}
              controls={panelId}
              onClick={toggle}
              buttonRef={bellRef}
            />
            {(open || prerendered) && panel}
          </>
        )}
        {options.toasts && <Toasts inbox={inbox} />}
        <div class="sr-only" role="status" part="announcer">
          {announcement.text && announcement.text + (announcement.times % 2 ? '' : '\u00a0')}
        </div>
      </div>
    </I18nContext.Provider>
  );
}
