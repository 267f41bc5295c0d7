// <belfry-inbox>: the inbox as a custom element with an open shadow root.
import { createInbox } from '../core/index.ts';
import type { Inbox, InboxOptions } from '../core/index.ts';
import type { Notification, NotificationAction } from '../protocol/index.ts';
import { mountInbox } from '../ui/index.ts';
import type { InboxMount, InboxPlacement } from '../ui/index.ts';
import { missingOptions, parseCategories, parseTranslations, sameOptions, splitOptions } from './options.ts';
import type { InboxElementOptions } from './options.ts';

// Reading the global (not calling anything) keeps the module importable where there is no DOM,
// e.g. during server-side rendering; the class is only usable in a browser anyway.
const Base = (globalThis.HTMLElement ?? class {}) as typeof HTMLElement;

// Attributes that decide who the inbox is for: changing one means a new inbox.
const IDENTITY_ATTRIBUTES = { 'api-key': 'apiKey', 'user-id': 'userId', 'user-token': 'userToken', 'base-url': 'baseUrl' } as const;

/**
 * The DOM events `<belfry-inbox>` dispatches; all bubble and cross shadow boundaries (composed).
 * Calling `preventDefault()` on a click or an action keeps the widget from following its url.
 */
export interface InboxElementEventMap {
  /** The user opened a notification (cancelable). */
  'belfry:notification-click': CustomEvent<Notification>;
  /** The user pressed one of a notification's action buttons (cancelable). */
  'belfry:action': CustomEvent<{ notification: Notification; action: NotificationAction }>;
  /** A notification arrived live (over the event stream, not from a page load or the cache). */
  'belfry:notification-received': CustomEvent<Notification>;
}

/** The `<belfry-inbox>` element: attributes and the `options` property configure it. */
export class BelfryInboxElement extends Base {
  /** Attributes whose changes the element reacts to. */
  static observedAttributes = [...Object.keys(IDENTITY_ATTRIBUTES), 'mode', 'theme', 'placement', 'locale', 'translations', 'toasts', 'title-count', 'preferences', 'feed-tabs', 'categories'];

  #options: InboxElementOptions = {};
  #inbox: Inbox | null = null;
  #ownsInbox = false;
  #inboxOptions: Partial<InboxOptions> | null = null;
  #mount: InboxMount | null = null;
  #unlisten: (() => void) | null = null;
  #problem: HTMLElement | null = null;
  #syncQueued = false;

  constructor() {
    super();
    // A property set before the element was defined shadows the accessor; move it behind it.
    // Not through the setter: an upgrade of a connected element calls connectedCallback right
    // after, and syncing here as well rendered the whole widget twice before its first paint.
    if (Object.hasOwn(this, 'options')) {
      const early = (this as { options?: InboxElementOptions }).options;
      delete (this as { options?: InboxElementOptions }).options;
      this.#options = { ...early };
    }
  }

  /** Everything the attributes do not cover; merged over the attributes. */
  get options(): InboxElementOptions {
    return this.#options;
  }

  set options(value: InboxElementOptions) {
    this.#options = { ...value };
    this.#sync();
  }

  /** The inbox the element currently shows, if any. */
  get inbox(): Inbox | null {
    return this.#inbox;
  }

  connectedCallback(): void {
    this.#sync();
  }

  disconnectedCallback(): void {
    this.#teardown();
  }

  attributeChangedCallback(): void {
    // Coalesce: an upgrade or a framework sets several attributes in a row, and switching user
    // (user-id and user-token) must create one new inbox, not one per attribute.
    // A sync that ran meanwhile (connectedCallback, right after the upgrade's attributes) took
    // them all: the queued one is skipped, or it would render the whole widget a second time.
    if (this.#syncQueued) return;
    this.#syncQueued = true;
    queueMicrotask(() => this.#syncQueued && this.#sync());
  }

  #attributeOptions(): InboxElementOptions {
    const options: Record<string, string> = {};
    for (const [attribute, key] of Object.entries(IDENTITY_ATTRIBUTES)) {
      const value = this.getAttribute(attribute);
      if (value !== null) options[key] = value;
    }
    const result: InboxElementOptions = options;
    const mode = this.getAttribute('mode');
    if (mode === 'popover' || mode === 'inline') result.mode = mode;
    const theme = this.getAttribute('theme');
    if (theme === 'light' || theme === 'dark' || theme === 'auto') result.theme = theme;
    const placement = this.getAttribute('placement');
    if (placement && /^(top|bottom)-(start|end)$/.test(placement)) result.placement = placement as InboxPlacement;
    const locale = this.getAttribute('locale');
    if (locale) result.locale = locale;
    const translations = this.getAttribute('translations');
    if (translations) result.translations = parseTranslations(translations);
    const categories = this.getAttribute('categories');
    if (categories) result.categories = parseCategories(categories);
    // Boolean attributes: present (and not "false") turns the feature on; preferences="false" and feed-tabs="false" turn theirs off.
    for (const [attribute, key] of [['toasts', 'toasts'], ['title-count', 'titleCount'], ['preferences', 'preferences'], ['feed-tabs', 'feedTabs']] as const) {
      const value = this.getAttribute(attribute);
      if (value !== null) result[key] = value !== 'false';
    }
    return result;
  }

  // Brings the shadow root in line with the attributes and options. Never throws: a broken
  // configuration is shown in the element, where the developer will look.
  #sync(): void {
    this.#syncQueued = false;
    if (!this.isConnected) return;
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    try {
      const { ui, inboxOptions, inbox: injected } = splitOptions({ ...this.#attributeOptions(), ...this.#options });
      const { onNotificationClick, onAction } = ui;
      ui.onNotificationClick = (notification) => this.#relay('notification-click', notification, onNotificationClick && (() => onNotificationClick(notification)));
      ui.onAction = (notification, action) => this.#relay('action', { notification, action }, onAction && (() => onAction(notification, action)));
      let inbox = injected;
      if (!inbox) {
        const missing = missingOptions(inboxOptions);
        if (missing.length > 0) {
          this.#showProblem(shadow, `<belfry-inbox> needs ${missing.join(', ')}: set the attributes or the options property.`);
          return;
        }
        inbox = this.#ownsInbox && this.#inboxOptions && sameOptions(this.#inboxOptions, inboxOptions) ? this.#inbox! : undefined;
      }
      if (inbox !== this.#inbox) {
        this.#releaseInbox();
        if (!inbox) {
          inbox = createInbox(inboxOptions as InboxOptions);
          this.#ownsInbox = true;
          this.#inboxOptions = inboxOptions;
        }
        this.#inbox = inbox;
        this.#unlisten = inbox.on('notification.received', (notification) => this.#emit('notification-received', notification));
      }
      this.#clearProblem();
      if (this.#mount) this.#mount.update({ ...ui, inbox });
      else this.#mount = mountInbox(shadow, { ...ui, inbox });
    } catch (error) {
      this.#showProblem(shadow, `<belfry-inbox> could not start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  // Returns false when a listener canceled the event.
  #emit(type: string, detail: unknown, cancelable = false): boolean {
    return this.dispatchEvent(new CustomEvent(`belfry:${type}`, { detail, bubbles: true, composed: true, cancelable }));
  }

  // A click or an action: dispatches the cancelable event, then calls the options' own handler.
  // The UI follows the url only when this returns true: no listener canceled the event, and the
  // handler (which replaces following the url, as in render()) is absent or returned true.
  #relay(type: string, detail: unknown, handler: (() => boolean | void) | undefined): boolean {
    const follow = this.#emit(type, detail, true);
    return (!handler || handler() === true) && follow;
  }

  #showProblem(shadow: ShadowRoot, message: string): void {
    this.#teardown();
    this.#problem = shadow.ownerDocument.createElement('p');
    this.#problem.setAttribute('role', 'alert');
    this.#problem.setAttribute('part', 'error');
    this.#problem.textContent = message;
    shadow.appendChild(this.#problem);
  }

  #clearProblem(): void {
    this.#problem?.remove();
    this.#problem = null;
  }

  // Destroys the inbox only if the element created it; an injected one belongs to its creator.
  #releaseInbox(): void {
    this.#unlisten?.();
    this.#unlisten = null;
    if (this.#ownsInbox) this.#inbox?.destroy();
    this.#inbox = null;
    this.#ownsInbox = false;
    this.#inboxOptions = null;
  }

  #teardown(): void {
    this.#mount?.unmount();
    this.#mount = null;
    this.#releaseInbox();
    this.#clearProblem();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'belfry-inbox': BelfryInboxElement;
  }
  interface HTMLElementEventMap extends InboxElementEventMap {}
}
