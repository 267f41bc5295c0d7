// The panel's body: status notes, then the feed or its empty/loading state.
import type { Inbox } from '../core/index.ts';
import type { Notification } from '../protocol/index.ts';
import { fireAndForget } from './fire-and-forget.ts';
import { NotificationItem } from './NotificationItem.tsx';

/** Props of `NotificationList`. */
export interface NotificationListProps {
  inbox: Inbox;
  now: number;
  locale?: string | undefined;
  onNotificationClick?: ((notification: Notification) => void) | undefined;
}

/** The text shown when the service is unreachable and the list comes from the cache. */
export const OFFLINE_TEXT = 'Offline — showing saved notifications';

/** Shows the offline note, the error, and the list (or its loading/empty state). */
export function NotificationList({ inbox, now, locale, onNotificationClick }: NotificationListProps) {
  const items = inbox.notifications.value;
  const status = inbox.status.value;
  const error = inbox.error.value;
  const offline = inbox.connection.value === 'offline';
  // A network error while offline is what the offline note already says; anything else (a bad
  // token, a failing service) is shown so the user and the developer can tell what is wrong.
  const errorText = status === 'error' || (error && !(offline && error.code === 'network'))
    ? (error?.message ?? 'Something went wrong')
    : null;

  return (
    <div class="body">
      {offline && (
        <p class="note offline" role="status">
          {OFFLINE_TEXT}
        </p>
      )}
      {errorText !== null && (
        <p class="note error" role="alert">
          {errorText}
        </p>
      )}
      {items.length === 0 ? (
        status === 'loading' ? (
          <p class="state" role="status">
            Loading notifications…
          </p>
        ) : status === 'ready' ? (
          <p class="state">No notifications yet</p>
        ) : null
      ) : (
        <ul class="list" role="list">
          {items.map((n) => (
            <NotificationItem key={n.id} notification={n} inbox={inbox} now={now} locale={locale} onNotificationClick={onNotificationClick} />
          ))}
        </ul>
      )}
      {items.length > 0 && inbox.hasMore.value && (
        <button type="button" class="more" onClick={() => fireAndForget(() => inbox.loadMore())}>
          Load more
        </button>
      )}
    </div>
  );
}
