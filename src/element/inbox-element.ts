// <belfry-inbox>: the inbox as a custom element with an open shadow root.
import { createInbox } from '../core/index.ts';
import type { Inbox, InboxOptions } from '../core/index.ts';
import { mountInbox } from '../ui/index.ts';
import type { InboxMount } from '../ui/index.ts';
import { missingOptions, sameOptions, splitOptions } from './options.ts';
import type { InboxElementOptions } from './options.ts';

// Reading the global (not calling anything) keeps the module importable where there is no DOM,
// e.g. during server-side rendering; the class is only usable in a browser anyway.
const Base = (globalThis.HTMLElement ?? class {}) as typeof HTMLElement;

// Attributes that decide who the inbox is for: changing one means a new inbox.
const IDENTITY_ATTRIBUTES = { 'api-key': 'apiKey', 'user-id': 'userId', 'user-token': 'userToken', 'base-url': 'baseUrl' } as const;

/** The `<belfry-inbox>` element: attributes and the `options` property configure it. */
export class BelfryInboxElement extends Base {
  /** Attributes whose changes the element reacts to. */
  static observedAttributes = [...Object.keys(IDENTITY_ATTRIBUTES), 'mode', 'theme', 'locale'];

  #options: InboxElementOptions = {};
  #inbox: Inbox | null = null;
  #ownsInbox = false;
  #inboxOptions: Partial<InboxOptions> | null = null;
  #mount: InboxMount | null = null;
  #problem: HTMLElement | null = null;
  #syncQueued = false;

  constructor() {
    super();
    // A property set before the element was defined shadows the accessor; move it through it.
    if (Object.hasOwn(this, 'options')) {
      const early = (this as { options?: InboxElementOptions }).options;
      delete (this as { options?: InboxElementOptions }).options;
      this.options = early ?? {};
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
    if (this.#syncQueued) return;
    this.#syncQueued = true;
    queueMicrotask(() => {
      this.#syncQueued = false;
      this.#sync();
    });
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
    const locale = this.getAttribute('locale');
    if (locale) result.locale = locale;
    return result;
  }

  // Brings the shadow root in line with the attributes and options. Never throws: a broken
  // configuration is shown in the element, where the developer will look.
  #sync(): void {
    if (!this.isConnected) return;
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const { ui, inboxOptions, inbox: injected } = splitOptions({ ...this.#attributeOptions(), ...this.#options });
    try {
      let inbox = injected;
      if (!inbox) {
        const missing = missingOptions(inboxOptions);
        if (missing.length > 0) {
          this.#showProblem(shadow, `<belfry-inbox> needs ${missing.join(', ')}: set the attributes or the options property.`);
          return;
        }
        inbox = this.#ownsInbox && this.#inboxOptions && sameOptions(this.#inboxOptions, inboxOptions) ? this.#inbox! : undefined;
      }
      if (!inbox) {
        this.#releaseInbox();
        inbox = createInbox(inboxOptions as InboxOptions);
        this.#ownsInbox = true;
        this.#inboxOptions = inboxOptions;
      } else if (inbox !== this.#inbox) {
        this.#releaseInbox();
      }
      this.#inbox = inbox;
      this.#clearProblem();
      if (this.#mount) this.#mount.update({ ...ui, inbox });
      else this.#mount = mountInbox(shadow, { ...ui, inbox });
    } catch (error) {
      this.#showProblem(shadow, `<belfry-inbox> could not start: ${error instanceof Error ? error.message : String(error)}`);
    }
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
