// User actions from the UI are fire-and-forget: the core rolls optimistic updates back and
// reports failures as `inbox.error` state, so a rejection here needs no handling beyond not
// becoming an unhandled rejection.

/** Runs an inbox action and swallows its rejection (the core already reported it as state). */
export function fireAndForget(action: () => Promise<unknown>): void {
  try {
    action().catch(() => {});
  } catch {
    // A synchronous throw from a misbehaving action must not break the click handler either.
  }
}
