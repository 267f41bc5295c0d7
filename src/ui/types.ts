// Options and handle of `mountInbox`.
import type { VNode } from 'preact';
import type { Inbox, RenderedNotification } from '../core/index.ts';
import type { Notification, NotificationAction } from '../protocol/index.ts';
import type { InboxStrings } from './i18n.ts';

/** `popover`: a bell that opens the panel; `inline`: the panel only, always shown. */
export type InboxMode = 'popover' | 'inline';

/** Colour scheme; `auto` follows the user's `prefers-color-scheme`. */
export type InboxTheme = 'light' | 'dark' | 'auto';

/** Where the popover opens: below or above the bell, aligned with its end or start edge (mirrored right to left). */
export type InboxPlacement = 'bottom-end' | 'bottom-start' | 'top-end' | 'top-start';

/** Presentation options, everything `mountInbox` takes besides the inbox itself. */
export interface InboxUIOptions {
  /** Default `popover`. */
  mode?: InboxMode;
  /** Default `auto`. */
  theme?: InboxTheme;
  /** Default `bottom-end`. Flips to the other side of the bell when only that side has room. */
  placement?: InboxPlacement;
  /** Shows the preferences button (category × channel switches) in the panel's header. Default true. */
  preferences?: boolean;
  /**
   * BCP 47 locale of the widget's strings, dates and numbers. Default: the page's `<html lang>`,
   * else the browser's language. Shipped: en, de, fr, es, pt (-BR), ar (right to left), hi, ja;
   * others fall back by base language, then to English.
   */
  locale?: string;
  /** Replacements for single strings of the chosen language, e.g. `{ title: 'Alerts' }`; `{n}` stands for a number. */
  translations?: Partial<InboxStrings>;
  /** Called when the user opens a notification; replaces following its `url` unless it returns `true`. */
  onNotificationClick?: (notification: Notification) => boolean | void;
  /** Called when the user presses one of a notification's action buttons; replaces following the action's `url` unless it returns `true`. */
  onAction?: (notification: Notification, action: NotificationAction) => boolean | void;
  /**
   * Renders an item's body (below its title) instead of the message: return a DOM node (plain
   * JS) or a Preact VNode; `null` or `undefined` keeps the default.
   */
  renderItemBody?: (notification: Notification, rendered: RenderedNotification) => Node | VNode | null | undefined;
  /** Shows notifications that arrive live as toasts for a few seconds. Default false. */
  toasts?: boolean;
  /**
   * Shows the feed's tab row (All, Unread, Archived, then `categories`), each tab with its count.
   * Default true. (Not `tabs`: that option of createInbox shares one connection among browser tabs.)
   */
  feedTabs?: boolean;
  /** Category tabs after All, Unread and Archived: `id` is the notifications' `category`, `label` the tab's name. */
  categories?: readonly { id: string; label: string }[];
  /** Prefixes `document.title` with `(N) ` while N notifications are unseen. Default false. */
  titleCount?: boolean;
}

/** Options of `mountInbox`. */
export interface MountInboxOptions extends InboxUIOptions {
  /** The headless inbox to show (from `createInbox`). */
  inbox: Inbox;
}

/** What `mountInbox` returns. */
export interface InboxMount {
  /** Merges new options over the current ones and re-renders. */
  update(options: Partial<MountInboxOptions>): void;
  /** Removes everything the mount added (DOM, stylesheet, listeners, timers). */
  unmount(): void;
}
