// The provider interface behind the email and SMS channels. A provider hands a rendered message
// to whatever transports it (SMTP, an SMS gateway); the trigger pipeline logs every outcome.

/** One rendered email or SMS for one recipient. */
export interface ChannelMessage {
  channel: 'email' | 'sms';
  /** The address: the recipient's `email` or `phoneNumber` attribute. */
  to: string;
  /** The rendered subject (email only). */
  subject?: string;
  /** The rendered plain-text body. */
  body: string;
  /** The recipient's identifier. */
  recipient: string;
  triggerId: string;
  appId: string;
}

/** What a provider did with a message; `error` says why it failed. */
export interface ChannelResult {
  status: 'sent' | 'failed';
  error?: string;
}

/** Sends email or SMS messages; may reject (the pipeline then logs the message as failed). */
export interface ChannelProvider {
  send(message: ChannelMessage): Promise<ChannelResult>;
}

/** Options of the webhook channel. */
export interface WebhookOptions {
  /** The fetch to POST with, resolved at call time; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Milliseconds before a webhook POST is abandoned as failed (default 5000). */
  timeoutMs?: number;
}

/**
 * The providers of a service (`createApp({providers})`); a channel without one uses the built-in
 * provider, which sends nothing and only logs the rendered message (see `GET /v1/deliveries`).
 */
export interface ChannelProviders {
  email?: ChannelProvider;
  sms?: ChannelProvider;
  webhook?: WebhookOptions;
}
