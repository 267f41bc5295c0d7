// The script-tag entry (the IIFE build, global `Belfry`): the only module with a side effect on
// import, defining <belfry-inbox>.
import { createInbox, InboxError } from '../core/index.ts';
import { defineInboxElement, render } from './index.ts';

defineInboxElement();

export { render, createInbox, InboxError, defineInboxElement };
