// An item's menu, as the WAI-ARIA menu button pattern (https://www.w3.org/WAI/ARIA/apg/patterns/menu-button/):
// the button opens a menu and focuses its first item; arrows, Home and End move inside it; Escape
// closes it and returns focus to the button; Tab or a click elsewhere closes it.
// Its keys stop here: the list's arrow keys and the panel's Escape must not see them.
import { useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Inbox } from '../core/index.ts';
import type { Notification } from '../protocol/index.ts';
import { fireAndForget } from './fire-and-forget.ts';
import { useI18n } from './i18n.ts';

/** Props of `ItemMenu`. */
export interface ItemMenuProps {
  notification: Notification;
  inbox: Inbox;
  /** The notification's title as text: the button's name says which item it is for. */
  title: string;
}

/** The "Options for <title>" menu button of one notification: mark read/unread, archive/unarchive, delete. */
export function ItemMenu({ notification: n, inbox, title }: ItemMenuProps) {
  const { t } = useI18n();
  // A function, so a `$&` in the title is not read as a replacement pattern.
  const label = t.options.replace('{n}', () => title);
  const id = useId();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const items = () => [...menu.current!.children] as HTMLElement[];
  const close = () => (setOpen(false), button.current!.focus());
  // In the commit that shows the menu, so no key press can land between the two. Near the end of
  // the list the menu would stretch the scrolled body (and focusing it would scroll there): it
  // opens upwards instead when it overflows the body's bottom and fits above the button. Measured
  // before the focus, which would scroll.
  useLayoutEffect(() => {
    if (!open) return;
    const box = menu.current!.getBoundingClientRect();
    const body = menu.current!.closest('.body')?.getBoundingClientRect();
    if (body && box.bottom > body.bottom && button.current!.getBoundingClientRect().top - box.height >= body.top) menu.current!.setAttribute('data-up', '');
    items()[0]!.focus();
  }, [open]);

  // Archive and delete take the item out of the list: focus moves on to a neighbour, or the panel.
  const entries: [string, (id: string) => Promise<void>, boolean?][] = [
    n.readAt === null ? [t.markRead, inbox.markRead] : [t.markUnread, inbox.markUnread],
    n.archivedAt === null ? [t.archive, inbox.archive, true] : [t.unarchive, inbox.unarchive, true],
    [t.delete, inbox.remove, true],
  ];
  const run = (action: (id: string) => Promise<void>, leaves?: boolean) => {
    const li = button.current!.closest('li')!;
    const next = (li.nextElementSibling ?? li.previousElementSibling)?.querySelector('a,button') ?? li.closest('[tabindex]');
    fireAndForget(() => action(n.id));
    close();
    if (leaves) (next as HTMLElement | null)?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (!open) return;
    const list = items();
    const key = event.key;
    const at = list.indexOf(event.target as HTMLElement);
    const to = key === 'ArrowDown' ? at + 1 : key === 'ArrowUp' ? at - 1 : key === 'Home' ? 0 : key === 'End' ? -1 : null;
    if (to !== null) list.at(to % list.length)!.focus();
    // Tab moves on from the button, as if the menu had been one stop.
    else if (key === 'Escape' || key === 'Tab') close();
    else return;
    if (key !== 'Tab') event.preventDefault();
    event.stopPropagation();
  };

  return (
    <div
      class="menu-wrap"
      onKeyDown={onKeyDown}
      // The item's own click handler would open the notification.
      onClick={(event) => event.stopPropagation()}
      onFocusOut={(event) => !(event.currentTarget as Element).contains(event.relatedTarget as Node | null) && setOpen(false)}
    >
      <button
        ref={button}
        type="button"
        class="menu-button"
        part="item-menu-button"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => setOpen(!open)}
      >
        ⋯
      </button>
      {open && (
        <div ref={menu} id={id} class="menu" part="item-menu" role="menu" aria-label={label}>
          {entries.map(([label, action, leaves]) => (
            <button key={label} type="button" role="menuitem" tabIndex={-1} onClick={() => run(action, leaves)}>
              {label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
