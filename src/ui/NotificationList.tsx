// The panel's body: status notes, then the feed or its empty/loading (skeleton) state in the body,
// the scroller of the virtualized list; older pages load as the user nears the end of what is loaded.
import { useRef, useState } from 'preact/hooks';
import type { Inbox } from '../core/index.ts';
import type { Notification } from '../protocol/index.ts';
import { formatDate } from '../template/index.ts';
import { useI18n } from './i18n.ts';
import { memo } from './memo.ts';
import { NotificationItem } from './NotificationItem.tsx';
import { Skeleton } from './Skeleton.tsx';
import { useValue } from './use-value.ts';
import { VirtualList } from './VirtualList.tsx';

// The list re-renders after measuring and scrolling; an item only when its own props changed.
// Opening the panel marks everything seen: new objects that differ only in `seenAt`, which no item
// shows, so the items are not rendered again for it (that was ~30 ms of a throttled opening).
const Item = memo(NotificationItem, {
  notification: (was, now) => (Object.keys(now) as (keyof Notification)[]).every((k) => k === 'seenAt' || was[k] === now[k]),
});

/** Props of `NotificationList`. */
export interface NotificationListProps {
  inbox: Inbox;
  now: number;
  /** While hidden (the closed popover's panel) no older page loads: each is a request. */
  hidden?: boolean | undefined;
  onNotificationClick?: ((notification: Notification) => boolean | void) | undefined;
}

/** Shows the offline note, the error, and the list (or its loading/empty state). */
export function NotificationList({ inbox, now, hidden, onNotificationClick }: NotificationListProps) {
  const { t, locale } = useI18n();
  const items = useValue(inbox.notifications);
  const status = useValue(inbox.status);
  const error = useValue(inbox.error);
  const offline = useValue(inbox.connection) === 'offline';
  const hasMore = useValue(inbox.hasMore);
  // Rendering reads the user's attributes (templates may use them): a new user object re-renders
  // the items, through their props. One subscription here instead of one per item.
  const user = useValue(inbox.user);
  // Each item gets the clock its relative time was last worded with: a newer `now` reaches only
  // the items whose "5 minutes ago" reads differently with it, so refreshing the clock (on each
  // opening of the panel, rendered ahead of it) renders those items alone. By id: [clock shown,
  // its wording, the clock it was last checked against].
  const clocks = useRef(new Map<string, [number, string | undefined, number]>()).current;
  const clockOf = (n: Notification) => {
    let clock = clocks.get(n.id);
    if (clock?.[2] !== now) {
      const label = formatDate(Date.parse(n.createdAt), 'relative', locale, now);
      clocks.set(n.id, (clock = [clock && clock[1] === label ? clock[0] : now, label, now]));
    }
    return clock[0];
  };
  // 0: idle, 1: loading an older page, 2: that failed (shown with a retry button). The inbox
  // itself makes concurrent calls share one request.
  const [more, setMore] = useState(0);
  const loadMore = () => {
    setMore(1);
    inbox.loadMore().then(
      () => setMore(0),
      () => setMore(2),
    );
  };
  // A network error while offline is what the offline note already says; anything else (a bad
  // token, a failing service) is shown so the user and the developer can tell what is wrong.
  const errorText = status === 'error' || (error && !(offline && error.code === 'network'))
    ? (error?.message ?? t.error)
    : null;

  // The notes stay above the scroller, in view wherever the list is scrolled; the list is then
  // the scroller's first child, whose coordinates it shares.
  return (
    <>
      {offline && (
        <p class="note offline" role="status">
          {t.offline}
        </p>
      )}
      {errorText !== null && (
        <p class="note error" role="alert">
          {errorText}
        </p>
      )}
      <div class="body">
        {items.length === 0 ? (
          status === 'loading' ? (
            <Skeleton>{t.loading}</Skeleton>
          ) : status === 'ready' ? (
            <p class="state">{t.empty}</p>
          ) : null
        ) : (
          <VirtualList
            items={items}
            onEndReached={hasMore && !more && !hidden ? loadMore : undefined}
            renderItem={(n, index) => (
              <Item
                key={n.id}
                notification={n}
                inbox={inbox}
                now={clockOf(n)}
                onNotificationClick={onNotificationClick}
                user={user}
                position={index + 1}
                setSize={hasMore ? -1 : items.length}
              />
            )}
          />
        )}
        {hasMore && more > 0 && (
          <p class="more" role={more > 1 ? 'alert' : 'status'}>
            {more > 1 ? (
              <>
                {t.error}{' '}
                <button type="button" onClick={loadMore}>
                  {t.loadMore}
                </button>
              </>
            ) : (
              t.loading
            )}
          </p>
        )}
      </div>
    </>
  );
}
