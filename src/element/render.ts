// render(): the one-call embed used by the script tag.
import { createInbox } from '../core/index.ts';
import type { Inbox } from '../core/index.ts';
import { mountInbox } from '../ui/index.ts';
import type { InboxUIOptions } from '../ui/index.ts';
import { splitOptions } from './options.ts';
import type { RenderOptions } from './options.ts';

/** What `render()` returns. */
export interface RenderedInbox {
  /** The headless inbox behind the widget (for counts, actions, events). */
  inbox: Inbox;
  /** Changes presentation options; to show another user, unmount and render again. */
  update(options: Partial<InboxUIOptions>): void;
  /** Removes the widget and destroys its inbox. */
  unmount(): void;
}

/**
 * Creates an inbox and mounts its widget, in a shadow root of its own, inside `target` (an
 * element or a selector).
 *
 * @example
 * Belfry.render('#bell', { apiKey: 'pk_live_123', userId: 'user-42', baseUrl: 'https://notify.example.com' });
 */
export function render(target: string | Element, options: RenderOptions): RenderedInbox {
  const element = typeof target === 'string' ? document.querySelector(target) : target;
  if (!element) throw new TypeError(`Belfry.render: no element matches ${JSON.stringify(target)}`);
  const { ui, inboxOptions } = splitOptions(options);
  const inbox = createInbox(inboxOptions as RenderOptions);
  const mount = mountInbox(element, { ...ui, inbox });
  return {
    inbox,
    update: (partial) => mount.update(partial),
    unmount() {
      mount.unmount();
      inbox.destroy();
    },
  };
}
