// The panel: a dialog in popover mode, a labelled region when inline (it is part of the page then).
import type { Ref } from 'preact';
import type { Inbox } from '../core/index.ts';
import type { Notification } from '../protocol/index.ts';
import { Header } from './Header.tsx';
import { NotificationList } from './NotificationList.tsx';
import type { InboxMode } from './types.ts';

/** Props of `Panel`. */
export interface PanelProps {
  id: string;
  inbox: Inbox;
  mode: InboxMode;
  now: number;
  locale?: string | undefined;
  onNotificationClick?: ((notification: Notification) => void) | undefined;
  panelRef?: Ref<HTMLDivElement>;
}

/** The header and the list, named "Notifications". */
export function Panel({ id, inbox, mode, now, locale, onNotificationClick, panelRef }: PanelProps) {
  return (
    <div
      ref={panelRef}
      id={id}
      class="panel"
      part="panel"
      role={mode === 'popover' ? 'dialog' : 'region'}
      aria-label="Notifications"
      tabIndex={-1}
    >
      <Header inbox={inbox} />
      <NotificationList inbox={inbox} now={now} locale={locale} onNotificationClick={onNotificationClick} />
    </div>
  );
}
