// Inline SVG icons (no icon library: it would not fit the size budget). Decorative only: the
// controls that hold them carry the accessible names.

const Icon = ({ d }: { d: string }) => (
  <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
    <path d={d} />
  </svg>
);

/** The bell glyph. */
export const BellIcon = () => <Icon d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.73 21a2 2 0 0 1-3.46 0" />;

/** A double check mark (for "Mark all as read"). */
export const CheckIcon = () => <Icon d="M2 12l5 5L18 6M12 16l1 1L24 6" />;
