// An item's menu, as the WAI-ARIA menu button pattern (https://www.w3.org/WAI/ARIA/apg/patterns/menu-button/):
// the button opens a menu and focuses its first item; arrows, Home and End move inside it; Escape
// closes it and returns focus to the button; leaving it (Tab, a click outside) closes it.
// Keys stop here: the list's arrow keys and the panel's Escape must not see them.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { Inbox } from '../core/index.ts';
import type { Notification } from '../protocol/index.ts';
import { fireAndForget } from './fire-and-forget.ts';
import { ITEM_STRINGS } from './item-strings.ts';

/** Props of `ItemMenu`. */
export interface ItemMenuProps {
  notification: Notification;
  inbox: Inbox;
}

/** The "Options" menu button of one notification: mark read/unread, archive/unarchive, delete. */
export function ItemMenu({ notification: n, inbox }: ItemMenuProps) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const items = () => [...menu.current!.children] as HTMLElement[];

  useEffect(() => {
    if (open) items()[0]!.focus();
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current!.focus();
  };
  // Archive and delete take the item out of the list: focus moves on to a neighbour, or the panel.
  const leave = (action: (id: string) => Promise<void>) => () => {
    const li = button.current!.closest('li')!;
    const next = (li.nextElementSibling ?? li.previousElementSibling)?.querySelector('a,button') ?? li.closest<HTMLElement>('[tabindex]');
    fireAndForget(() => action(n.id));
    (next as HTMLElement | null)?.focus();
  };
  const entries: [string, () => void][] = [
    n.readAt === null
      ? [ITEM_STRINGS.markRead, () => (fireAndForget(() => inbox.markRead(n.id)), close())]
      : [ITEM_STRINGS.markUnread, () => (fireAndForget(() => inbox.markUnread(n.id)), close())],
    n.archivedAt === null ? [ITEM_STRINGS.archive, leave(inbox.archive)] : [ITEM_STRINGS.unarchive, leave(inbox.unarchive)],
    [ITEM_STRINGS.remove, leave(inbox.remove)],
  ];

  const onKeyDown = (event: KeyboardEvent) => {
    if (!open) return;
    const list = items();
    const at = list.indexOf(event.target as HTMLElement);
    const key = event.key;
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
      // The item's own click handler would activate the notification (and mark it read).
      onClick={(event) => event.stopPropagation()}
      onFocusOut={(event) => {
        if (!(event.currentTarget as Element).contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        ref={button}
        type="button"
        class="menu-button"
        part="item-menu-button"
        aria-label={ITEM_STRINGS.menu}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => setOpen(!open)}
      >
        <svg viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false">
          <circle cx="12" cy="5" r="2" />
          <circle cx="12" cy="12" r="2" />
          <circle cx="12" cy="19" r="2" />
        </svg>
      </button>
      {open && (
        <div ref={menu} id={id} class="menu" part="item-menu" role="menu" aria-label={ITEM_STRINGS.menu}>
          {entries.map(([label, run]) => (
            <button key={label} type="button" role="menuitem" tabIndex={-1} onClick={run}>
              {label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
