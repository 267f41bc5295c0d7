// One notification. The title is the item's one primary control (a link to the notification's
// url, or a button); a click anywhere else on the item activates it, so the whole row is a target
// while keyboard and screen-reader users get a single, properly named control. Up to two action
// buttons and the item's menu are controls of their own.
import type { ComponentChildren } from 'preact';
import { useContext, useLayoutEffect, useRef } from 'preact/hooks';
import type { Inbox } from '../core/index.ts';
import type { Notification } from '../protocol/index.ts';
import { formatDate, isSafeImageUrl, isSafeUrl } from '../template/index.ts';
import type { TemplateNode } from '../template/index.ts';
import { fireAndForget } from './fire-and-forget.ts';
import { useI18n } from './i18n.ts';
import { ItemMenu } from './ItemMenu.tsx';
import { ItemOptions } from './item-options.ts';
import { RichText } from './RichText.tsx';

/** Props of `NotificationItem`. */
export interface NotificationItemProps {
  notification: Notification;
  inbox: Inbox;
  /** The clock the relative time is measured against (ms since the epoch). */
  now: number;
  onNotificationClick?: ((notification: Notification) => boolean | void) | undefined;
  /** The user, as the list read it: a new one (changed attributes) re-renders the item. */
  user?: unknown;
  /** Position in the whole list (1-based) and its size, -1 while unknown: only part is in the DOM. */
  position?: number;
  setSize?: number;
}

const safeUrl = (url: string | null | undefined, allowed = isSafeUrl) => (url && allowed(url) ? url : undefined);

const textOf = (nodes: readonly TemplateNode[]): string => nodes.map((n) => ('value' in n ? n.value : 'children' in n ? textOf(n.children) : '')).join('');

/** Renders a notification's avatar, title, body, relative time, actions, menu and unread marker; clicking opens it. */
export function NotificationItem({ notification, inbox, now, onNotificationClick, position, setSize }: NotificationItemProps) {
  const { t, locale } = useI18n();
  const primary = useRef<HTMLAnchorElement | HTMLButtonElement>(null);
  const slot = useRef<HTMLDivElement>(null);
  const { onAction, renderItemBody } = useContext(ItemOptions);
  const rendered = inbox.render(notification);
  const { title, message } = rendered;
  const titleText = textOf(title).trim();
  const unread = notification.readAt === null;
  const created = Date.parse(notification.createdAt);
  // Checked again before navigation (design §6): a stored url may predate the API's check.
  const href = safeUrl(notification.url);
  const icon = safeUrl(notification.icon, isSafeImageUrl);
  // The host's body: a DOM node is put into a slot after rendering, a VNode rendered in place.
  const custom = renderItemBody?.(notification, rendered);
  const node = custom && 'nodeType' in custom ? custom : undefined;
  useLayoutEffect(() => {
    if (node) slot.current!.replaceChildren(node);
  }, [node]);
  // RichText is called, not mounted: a component instance per text costs more than it renders.
  const body: ComponentChildren = custom || (message.length > 0 && RichText({ nodes: message }));

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

  const titleContent = RichText({ nodes: title, links: false });
  return (
    <li class={unread ? 'item unread' : 'item'} part="item" aria-posinset={position} aria-setsize={setSize} onClick={onItemClick}>
      {icon ? (
        <img class="icon" src={icon} alt="" loading="lazy" />
      ) : (
        <span class="icon avatar" aria-hidden="true">
          {/* The first character (a whole code point) of the title, when there is no icon. */}
          {[...titleText][0]?.toUpperCase()}
        </span>
      )}
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
        {/* The slot is an element of its own: Preact never diffs against the host's node in it. */}
        {node ? <div key="slot" ref={slot} class="message" /> : body && <div class="message">{body}</div>}
        <time class="time" dateTime={notification.createdAt} title={formatDate(created, 'long', locale)}>
          {formatDate(created, 'relative', locale, now)}
        </time>
        {notification.actions.length > 0 && (
          <div class="actions">
            {notification.actions.slice(0, 2).map((action, k) => {
              const url = safeUrl(action.url);
              const Tag = url ? 'a' : 'button';
              return (
                <Tag
                  key={action.id}
                  class="action"
                  part="action"
                  data-style={action.style ?? (k ? 'secondary' : 'primary')}
                  href={url}
                  type={url ? undefined : 'button'}
                  // The host's handler replaces following the url, unless it returns true.
                  onClick={(event: MouseEvent) => {
                    if (onAction && onAction(notification, action) !== true) event.preventDefault();
                  }}
                >
                  {action.label}
                </Tag>
              );
            })}
          </div>
        )}
      </div>
      <ItemMenu notification={notification} inbox={inbox} title={titleText} />
      {unread && (
        <span class="dot" part="unread-marker">
          <span class="sr-only">{t.unread}</span>
        </span>
      )}
    </li>
  );
}
