// The built-in provider: development needs no mail server or SMS gateway. It sends nothing; the
// pipeline logs the rendered message in the deliveries log like any provider's outcome.
import type { ChannelProvider } from './types.ts';

/** A provider that accepts every message without sending it, so the deliveries log is its only output. */
export const recordOnlyProvider: ChannelProvider = {
  send: async () => ({ status: 'sent' }),
};
