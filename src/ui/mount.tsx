// mountInbox: renders the widget into a shadow root with its adopted stylesheet.
import { render } from 'preact';
import { InboxWidget } from './InboxWidget.tsx';
import { adoptStyles } from './styles.ts';
import type { InboxMount, MountInboxOptions } from './types.ts';

function isShadowRoot(node: Element | ShadowRoot): node is ShadowRoot {
  // Not `instanceof ShadowRoot`: the target may come from another window (an iframe).
  return node.nodeType === 11 && 'host' in node;
}

/**
 * Mounts the inbox widget. Given a ShadowRoot it renders there; given an element it appends an
 * open-shadow host to it, so the widget's styles never leak into the page or the page's into it.
 *
 * @example
 * // createInbox comes from the 'belfry' entry, mountInbox from 'belfry/ui'.
 * const inbox = createInbox({ apiKey: 'pk_live_123', userId: 'user-42', baseUrl: 'https://notify.example.com' });
 * const widget = mountInbox(document.querySelector('#bell')!, { inbox, theme: 'auto' });
 * widget.update({ theme: 'dark' });
 * // later: widget.unmount(); inbox.destroy();
 */
export function mountInbox(target: Element | ShadowRoot, options: MountInboxOptions): InboxMount {
  const doc = target.ownerDocument;
  let host: HTMLElement | null = null;
  let shadow: ShadowRoot;
  if (isShadowRoot(target)) {
    shadow = target;
  } else {
    host = doc.createElement('span');
    host.setAttribute('data-belfry', '');
    shadow = host.attachShadow({ mode: 'open' });
    target.appendChild(host);
  }
  const removeStyles = adoptStyles(shadow);
  // Preact diffs against a parent's existing children, so render into a container of our own
  // rather than into a shadow root that may hold someone else's nodes.
  const container = doc.createElement('div');
  shadow.appendChild(container);

  let current = options;
  let mounted = true;
  render(<InboxWidget {...current} />, container);

  return {
    update(partial) {
      if (!mounted) return;
      current = { ...current, ...partial, inbox: partial.inbox ?? current.inbox };
      render(<InboxWidget {...current} />, container);
    },
    unmount() {
      if (!mounted) return;
      mounted = false;
      render(null, container);
      container.remove();
      removeStyles();
      host?.remove();
    },
  };
}
