// Placeholder rows shown while something loads with nothing to show yet: the shape of what is
// coming, so the panel does not jump when it arrives. The rows are hidden from assistive tech;
// the container is aria-busy and, given a label, a status message says what is loading.
import type { ComponentChildren } from 'preact';

/** Three aria-hidden placeholder rows in an aria-busy container, with `children` as a visually hidden status. */
export function Skeleton({ children }: { children?: ComponentChildren }) {
  return (
    <div aria-busy="true">
      {children && (
        <p class="sr-only" role="status">
          {children}
        </p>
      )}
      <ul class="list skeleton" aria-hidden="true">
        {[0, 1, 2].map((row) => (
          <li key={row}>
            <i class="icon" />
            <b />
            <b />
          </li>
        ))}
      </ul>
    </div>
  );
}
