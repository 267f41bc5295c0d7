// Registering the custom element, explicitly: importing the module defines nothing.
import { BelfryInboxElement } from './inbox-element.ts';

/** Defines `<belfry-inbox>` (or `name`) unless that name is already defined. */
export function defineInboxElement(name = 'belfry-inbox'): void {
  const registry = globalThis.customElements;
  if (!registry || registry.get(name)) return;
  try {
    registry.define(name, BelfryInboxElement);
  } catch {
    // One constructor may back only one name; a second name gets a subclass of its own. An
    // invalid name throws again here, with the registry's own message.
    registry.define(name, class extends BelfryInboxElement {});
  }
}
