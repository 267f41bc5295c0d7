// The panel's header: its title and "Mark all as read".
import type { Inbox } from '../core/index.ts';
import { CheckIcon } from './icons.tsx';
import { fireAndForget } from './fire-and-forget.ts';
import { useI18n } from './i18n.ts';
import { useValue } from './use-value.ts';

/** Props of `Header`. */
export interface HeaderProps {
  inbox: Inbox;
}

/** The title and a "Mark all as read" button, disabled when nothing is unread. */
export function Header({ inbox }: HeaderProps) {
  const { t } = useI18n();
  const unread = useValue(inbox.counts).unread;
  return (
    <div class="header" part="header">
      <h2 class="title">{t.title}</h2>
      <button type="button" class="mark-all" disabled={unread === 0} onClick={() => fireAndForget(() => inbox.markAllRead())}>
        <CheckIcon />
        {t.markAllRead}
      </button>
    </div>
  );
}
