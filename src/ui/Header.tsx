// The panel's header: its title, "Mark all as read" and whatever else the panel puts at its end.
import type { ComponentChildren } from 'preact';
import type { Inbox } from '../core/index.ts';
import { CheckIcon } from './icons.tsx';
import { fireAndForget } from './fire-and-forget.ts';
import { useI18n } from './i18n.ts';
import { useValue } from './use-value.ts';

/** Props of `Header`. */
export interface HeaderProps {
  inbox: Inbox;
  /** More controls after "Mark all as read" (the preferences button). */
  children?: ComponentChildren;
}

/** The title and a "Mark all as read" button, disabled when nothing is unread. */
export function Header({ inbox, children }: HeaderProps) {
  const { t } = useI18n();
  const unread = useValue(inbox.counts).unread;
  return (
    <div class="header" part="header">
      <h2 class="title">{t.title}</h2>
      <button type="button" class="mark-all" disabled={unread === 0} onClick={() => fireAndForget(() => inbox.markAllRead())}>
        <CheckIcon />
        {t.markAllRead}
      </button>
      {children}
    </div>
  );
}
