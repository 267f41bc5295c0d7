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

/** Sliders (for "Preferences"). */
export const SlidersIcon = () => <Icon d="M4 21v-7M4 10V3M12 21v-9M12 8V3M20 21v-5M20 12V3M1 14h6M9 8h6M17 16h6" />;

/** A chevron pointing back (to the start side; the stylesheet mirrors it right to left). */
export const BackIcon = () => <Icon d="M15 18l-6-6 6-6" />;
