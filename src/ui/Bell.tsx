// The bell button: opens the popover and shows the unseen badge.
import type { Ref } from 'preact';
import { BellIcon } from './icons.tsx';
import { useI18n } from './i18n.ts';

/** Props of `Bell`. */
export interface BellProps {
  unseen: number;
  unread: number;
  expanded: boolean;
  /** The id of the panel the bell opens. */
  controls: string;
  onClick: () => void;
  buttonRef: Ref<HTMLButtonElement>;
}

/**
 * A button named "Notifications" (", N unread" appended when N > 0, in the widget's language),
 * with an aria-hidden badge of the unseen count: the number in the locale's digits, "99+" above 99.
 */
export function Bell({ unseen, unread, expanded, controls, onClick, buttonRef }: BellProps) {
  const { t, n, count } = useI18n();
  return (
    <button
      ref={buttonRef}
      type="button"
      class="bell"
      part="bell"
      aria-label={unread > 0 ? count('bellUnread', unread) : t.title}
      aria-haspopup="dialog"
      aria-expanded={expanded ? 'true' : 'false'}
      aria-controls={controls}
      onClick={onClick}
    >
      <BellIcon />
      {unseen > 0 && (
        // The name already says how many are unread; the badge would only repeat a number.
        <span class="badge" part="badge" aria-hidden="true">
          {unseen > 99 ? `${n(99)}+` : n(unseen)}
        </span>
      )}
    </button>
  );
}
