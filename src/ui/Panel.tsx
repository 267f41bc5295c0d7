// The panel: a dialog in popover mode, a labelled region when inline (it is part of the page then).
// The popover is non-modal, but while it is open Tab and Shift+Tab cycle through its controls,
// so keyboard users do not fall out of it into the page behind (Escape and the bell close it).
import type { Ref } from 'preact';
import { useContext, useState } from 'preact/hooks';
import type { Inbox } from '../core/index.ts';
import type { Notification } from '../protocol/index.ts';
import { Header } from './Header.tsx';
import { useI18n } from './i18n.ts';
import { ItemOptions } from './item-options.ts';
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
  onNotificationClick?: ((notification: Notification) => void) | undefined;
  panelRef?: Ref<HTMLDivElement>;
}

// Keeps Tab inside `panel`: from its last control to its first, and back with Shift.
function trapTab(event: KeyboardEvent, panel: HTMLElement): void {
  if (event.key !== 'Tab') return;
  // In the tab order: enabled controls and links, minus what a roving-focus list took out of it.
  const controls = [...panel.querySelectorAll<HTMLElement>('a[href],button,input,select,textarea,[tabindex]')].filter(
    (el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled,
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

/** The header and the list (or the preferences view), named "Notifications". */
export function Panel({ id, inbox, mode, now, onNotificationClick, panelRef }: PanelProps) {
  const { t } = useI18n();
  const popover = mode === 'popover';
  // The preferences view replaces header and list; undefined until first opened, false after it.
  const [preferences, setPreferences] = useState<boolean>();
  const hasPreferences = useContext(ItemOptions).preferences !== false;
  return (
    <div
      ref={panelRef}
      id={id}
      class="panel"
      part="panel"
      role={popover ? 'dialog' : 'region'}
      aria-label={t.title}
      tabIndex={-1}
      onKeyDown={popover ? (event) => trapTab(event, event.currentTarget) : undefined}
    >
      {preferences ? (
        <Preferences inbox={inbox} onBack={() => setPreferences(false)} />
      ) : (
        <>
          <Header inbox={inbox}>{hasPreferences && <PreferencesButton focus={preferences === false} onClick={() => setPreferences(true)} />}</Header>
          <FeedTabs inbox={inbox}>
            <NotificationList inbox={inbox} now={now} onNotificationClick={onNotificationClick} />
          </FeedTabs>
        </>
      )}
    </div>
  );
}
