// The bell button: opens the popover and shows the unseen badge.
import type { Ref } from 'preact';
import { BellIcon } from './icons.tsx';

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

/** The accessible name of the bell: "Notifications", plus ", N unread" when N > 0. */
export function bellLabel(unread: number): string {
  return unread > 0 ? `Notifications, ${unread} unread` : 'Notifications';
}

/** The badge text for an unseen count: the number, "99+" above 99. */
export function badgeText(unseen: number): string {
  return unseen > 99 ? '99+' : String(unseen);
}

/** A button named for the unread count, with an aria-hidden badge of the unseen count. */
export function Bell({ unseen, unread, expanded, controls, onClick, buttonRef }: BellProps) {
  return (
    <button
      ref={buttonRef}
      type="button"
      class="bell"
      part="bell"
      aria-label={bellLabel(unread)}
      aria-haspopup="dialog"
      aria-expanded={expanded ? 'true' : 'false'}
      aria-controls={controls}
      onClick={onClick}
    >
      <BellIcon />
      {unseen > 0 && (
        // The name already says how many are unread; the badge would only repeat a number.
        <span class="badge" part="badge" aria-hidden="true">
          {badgeText(unseen)}
        </span>
      )}
    </button>
  );
}
