// One notification. The title is the item's one primary control (a link to the notification's
// url, or a button); a click anywhere else on the item activates it, so the whole row is a target
// while keyboard and screen-reader users get a single, properly named control.
import { useRef } from 'preact/hooks';
import type { Inbox } from '../core/index.ts';
import type { Notification } from '../protocol/index.ts';
import { isSafeUrl } from '../template/index.ts';
import { fireAndForget } from './fire-and-forget.ts';
import { useI18n } from './i18n.ts';
import { formatDateTime, formatRelativeTime } from './relative-time.ts';
import { RichText } from './RichText.tsx';

/** Props of `NotificationItem`. */
export interface NotificationItemProps {
  notification: Notification;
  inbox: Inbox;
  /** The clock the relative time is measured against (ms since the epoch). */
  now: number;
  locale?: string | undefined;
  onNotificationClick?: ((notification: Notification) => boolean | void) | undefined;
  /** Position in the whole list (1-based) and its size, -1 while unknown: only part is in the DOM. */
  position?: number;
  setSize?: number;
}

/** Renders a notification's title, message, relative time and unread marker; clicking opens it. */
export function NotificationItem({ notification, inbox, now, locale, onNotificationClick, position, setSize }: NotificationItemProps) {
  const { t } = useI18n();
  const primary = useRef<HTMLAnchorElement | HTMLButtonElement>(null);
  const { title, message } = inbox.render(notification);
  const unread = notification.readAt === null;
  // Checked again before navigation (design §6): a stored url may predate the API's check.
  const href = notification.url !== null && isSafeUrl(notification.url) ? notification.url : undefined;
  const icon = notification.icon !== null && isSafeUrl(notification.icon) ? notification.icon : undefined;

  const markRead = () => {
    if (unread) fireAndForget(() => inbox.markRead(notification.id));
  };
  const open = (event: MouseEvent) => {
    markRead();
    // The host's handler replaces following the url, unless it returns true.
    if (onNotificationClick && onNotificationClick(notification) !== true) event.preventDefault();
  };
  const onItemClick = (event: MouseEvent) => {
    const control = (event.target as Element).closest('a,button');
    if (control && (event.currentTarget as Element).contains(control)) {
      // The primary control handles itself; a link in the message still counts as reading it.
      if (control !== primary.current) markRead();
      return;
    }
    primary.current?.click();
  };

  const titleContent = <RichText nodes={title} links={false} />;
  return (
    <li class={unread ? 'item unread' : 'item'} part="item" aria-posinset={position} aria-setsize={setSize} onClick={onItemClick}>
      {icon && <img class="icon" src={icon} alt="" loading="lazy" />}
      <div class="content">
        {href ? (
          <a ref={primary as { current: HTMLAnchorElement | null }} class="primary" href={href} onClick={open}>
            {titleContent}
          </a>
        ) : (
          <button ref={primary as { current: HTMLButtonElement | null }} type="button" class="primary" onClick={open}>
            {titleContent}
          </button>
        )}
        {message.length > 0 && (
          <div class="message">
            <RichText nodes={message} />
          </div>
        )}
        <time class="time" dateTime={notification.createdAt} title={formatDateTime(notification.createdAt, locale)}>
          {formatRelativeTime(notification.createdAt, now, locale)}
        </time>
      </div>
      {unread && (
        <span class="dot" part="unread-marker">
          <span class="sr-only">{t.unread}</span>
        </span>
      )}
    </li>
  );
}
