// The panel: a dialog in popover mode, a labelled region when inline (it is part of the page then).
// The popover is non-modal, but while it is open Tab and Shift+Tab cycle through its controls,
// so keyboard users do not fall out of it into the page behind (Escape and the bell close it).
// The popover's panel stays rendered while closed, `hidden` (InboxWidget), and opens at its list.
import type { Ref } from 'preact';
import { useContext, useEffect, useLayoutEffect, useState } from 'preact/hooks';
import type { Inbox } from '../core/index.ts';
import type { Notification } from '../protocol/index.ts';
import { Header } from './Header.tsx';
import { useI18n } from './i18n.ts';
import { ItemOptions } from './item-options.ts';
import { memo } from './memo.ts';
import { NotificationList } from './NotificationList.tsx';
import { Preferences, PreferencesButton } from './Preferences.tsx';
import { FeedTabs } from './Tabs.tsx';
import type { InboxMode } from './types.ts';

/** Props of `Panel`. */
export interface PanelProps {
  id: string;
  inbox: Inbox;
  mode: InboxMode;
  now: number;
  /** Hidden (the closed popover, rendered ahead of its opening): not shown, focusable or in the accessibility tree. */
  hidden?: boolean;
  onNotificationClick?: ((notification: Notification) => void) | undefined;
  panelRef?: Ref<HTMLDivElement>;
}

// Keeps Tab inside `panel`: from its last control to its first, and back with Shift.
function trapTab(event: KeyboardEvent, panel: HTMLElement): void {
  if (event.key !== 'Tab') return;
  // In the tab order: enabled controls and links, minus what a roving-focus list took out of it
  // and the list's view, hidden while the preferences view shows.
  const controls = [...panel.querySelectorAll<HTMLElement>('a[href],button,input,select,textarea,[tabindex]')].filter(
    (el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && !el.closest('[hidden]'),
  );
  const first = controls[0];
  const last = controls[controls.length - 1];
  // Inside a shadow root, the document's activeElement is the host; the root knows the real one.
  const active = (panel.getRootNode() as Document | ShadowRoot).activeElement;
  const target = !first ? panel : event.shiftKey ? (active === first || active === panel ? last : null) : active === last ? first : null;
  if (target) {
    event.preventDefault();
    target.focus();
  }
}

/** Props of `ListView`. */
interface ListViewProps {
  inbox: Inbox;
  now: number;
  hidden: boolean | undefined;
  onNotificationClick?: ((notification: Notification) => void) | undefined;
  preferences: boolean | undefined;
  setPreferences: (shown: boolean) => void;
}

// The header and the feed. While the preferences view shows, they are hidden, not unmounted: the
// list keeps its scroll position, its window and its measured heights for the way back. While the
// panel is hidden, tabs and list ask the service for nothing (counts, older pages) nobody sees.
// Memoized: only what changed renders again (the items not at all when the panel opens).
const ListView = memo(function ListView({ inbox, now, hidden, onNotificationClick, preferences, setPreferences }: ListViewProps) {
  const hasPreferences = useContext(ItemOptions).preferences !== false;
  return (
    <div class="view" hidden={preferences}>
      <Header inbox={inbox}>{hasPreferences && <PreferencesButton focus={preferences === false} onClick={() => setPreferences(true)} />}</Header>
      <FeedTabs inbox={inbox} hidden={hidden}>
        <NotificationList inbox={inbox} now={now} hidden={hidden} onNotificationClick={onNotificationClick} />
      </FeedTabs>
    </div>
  );
});

/** The header and the list (or the preferences view), named "Notifications". */
export function Panel({ id, inbox, mode, now, hidden, onNotificationClick, panelRef }: PanelProps) {
  const { t } = useI18n();
  const popover = mode === 'popover';
  // The preferences view shows in place of header and list; undefined until first opened, false after it.
  const [preferences, setPreferences] = useState<boolean>();
  // A closed panel opens at its list again.
  useLayoutEffect(() => {
    if (hidden) setPreferences(undefined);
  }, [hidden]);
  // What tabs and list ask the service for once shown waits until the frame that shows them was
  // painted: starting those requests (the tab counts) was half the script of an opening.
  const [idle, setIdle] = useState(hidden);
  useEffect(() => setIdle(hidden), [hidden]);
  return (
    <div
      ref={panelRef}
      id={id}
      class="panel"
      part="panel"
      role={popover ? 'dialog' : 'region'}
      aria-label={t.title}
      tabIndex={-1}
      hidden={hidden}
      onKeyDown={popover ? (event) => trapTab(event, event.currentTarget) : undefined}
    >
      {preferences && <Preferences inbox={inbox} onBack={() => setPreferences(false)} />}
      <ListView inbox={inbox} now={now} hidden={idle} onNotificationClick={onNotificationClick} preferences={preferences} setPreferences={setPreferences} />
    </div>
  );
}
