// The webhook channel: a real HTTP POST of JSON, signed so the receiver can check it came from
// this service and was not replayed. The signature scheme follows Stripe's, which receivers know:
//   Belfry-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">
// The key is the app's signing secret when it has one; otherwise a per-app secret derived from
// the stored hash of its API secret, which the app's backend can compute too:
//   hex(HMAC-SHA256(key = hex(SHA-256(apiSecret)), message = "belfry-webhook-v1"))
import { createHmac } from 'node:crypto';
import type { AppRecord } from '../storage/index.ts';
import type { ChannelResult, WebhookOptions } from './types.ts';

/** The header carrying a webhook's signature. */
export const HEADER_WEBHOOK_SIGNATURE = 'Belfry-Signature';
/** How long a webhook POST may take before it counts as failed. */
export const WEBHOOK_TIMEOUT_MS = 5000;

/** The key an app's webhooks are signed with (see the top of this file). */
export function webhookSecret(app: Pick<AppRecord, 'signingSecret' | 'apiSecretHash'>): string {
  if (app.signingSecret) return app.signingSecret;
  return createHmac('sha256', app.apiSecretHash).update('belfry-webhook-v1').digest('hex');
}

/** The `Belfry-Signature` value for `body` sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

/**
 * POSTs `body` (JSON text) to `url`, signed with `secret`. Never throws: a refused connection,
 * a timeout or a non-2xx answer is a `failed` result whose error says which.
 */
export async function postWebhook(url: string, body: string, secret: string, options: WebhookOptions = {}): Promise<ChannelResult> {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  try {
    const response = await fetchFn(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'belfry-webhook/1',
        [HEADER_WEBHOOK_SIGNATURE]: signWebhook(secret, body, Math.floor(Date.now() / 1000)),
      },
      body,
      // A receiver that redirects could bounce the signed payload anywhere; treat it as failed.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Nobody reads the answer: release the connection.
    await response.body?.cancel().catch(() => {});
    return response.ok ? { status: 'sent' } : { status: 'failed', error: `the webhook answered ${response.status}` };
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return { status: 'failed', error: `the webhook did not answer within ${timeoutMs} ms` };
    }
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : null;
    return { status: 'failed', error: `the webhook could not be reached${cause ? `: ${cause}` : ''}` };
  }
}
