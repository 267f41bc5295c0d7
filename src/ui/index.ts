// The inbox UI: Preact components and styles, mounted into a shadow root.
export { mountInbox } from './mount.tsx';
export type { InboxStrings } from './i18n.ts';
export type { InboxMode, InboxPlacement, InboxTheme, InboxUIOptions, MountInboxOptions, InboxMount } from './types.ts';
