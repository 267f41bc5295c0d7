// The <belfry-inbox> custom element and render(). Importing this module defines nothing.
export { BelfryInboxElement } from './inbox-element.ts';
export type { InboxElementEventMap } from './inbox-element.ts';
export { defineInboxElement } from './define.ts';
export { render } from './render.ts';
export type { RenderedInbox } from './render.ts';
export type { RenderOptions, InboxElementOptions } from './options.ts';
