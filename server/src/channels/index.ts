// Delivery channels other than in-app: the provider interface, the built-in provider, webhooks.
export type { ChannelMessage, ChannelResult, ChannelProvider, ChannelProviders, WebhookOptions } from './types.ts';
export { recordOnlyProvider } from './record-only.ts';
export { HEADER_WEBHOOK_SIGNATURE, WEBHOOK_TIMEOUT_MS, webhookSecret, signWebhook, postWebhook } from './webhook.ts';
