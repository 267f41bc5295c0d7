// Requests to the service's client API (design §4, §5): the auth headers, error answers turned
// into InboxError, and one retry with a fresh token after a 401 when the app gave getUserToken.
import { HEADER_API_KEY, HEADER_LAST_EVENT_ID, HEADER_USER_ID, isPlainObject } from '../protocol/index.ts';
import { parseRetryAfter } from './backoff.ts';
import { InboxError } from './errors.ts';

/** What a transport needs to know; `fetch` and `now` are resolved by the caller. */
export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  userId?: string | undefined;
  userToken?: string | undefined;
  getUserToken?: (() => string | Promise<string>) | undefined;
  fetch: () => typeof fetch;
  now: () => number;
  /** Aborted when the inbox is destroyed: clears the token refresh timer. */
  signal?: AbortSignal | undefined;
}

/** Sends the inbox's requests with its credentials. */
export interface Transport {
  /** Sends a request (a JSON body when `body` is given) and resolves with the parsed JSON answer. */
  request(method: string, path: string, body: unknown, signal: AbortSignal, headers?: Record<string, string>): Promise<unknown>;
  /** Opens the event stream resuming after `seq`; resolves with the open response. */
  openStream(seq: number, signal: AbortSignal): Promise<Response>;
  /** The user token from `userToken`, or from `getUserToken` kept until shortly before it expires. */
  token(): Promise<string | undefined>;
  /** Forgets the kept token, so the next request asks `getUserToken` again. */
  dropToken(): void;
}

// Failures on our side of the wire: the code tells them apart, so they share short messages.
const MESSAGES = {
  network: 'The service cannot be reached.',
  aborted: 'Aborted.',
  protocol: 'The service answered in an unknown shape.',
};

/** An InboxError for a failure the service did not answer with. */
export const fail = (code: keyof typeof MESSAGES, cause?: unknown): InboxError => new InboxError(code, MESSAGES[code], { cause });

/** Answers `value`, or throws a `protocol` InboxError when a check found it malformed (null or false). */
export const must = <T,>(value: T | null | false): T => {
  if (!value) throw fail('protocol');
  return value;
};

/** Turns an error answer into an InboxError: 401/403 are final, anything else is retryable. */
export async function errorFromResponse(response: Response, now: number): Promise<InboxError> {
  const status = response.status;
  let error: unknown;
  try {
    ({ error } = await response.json());
  } catch {
    // Not JSON (a proxy's HTML error page, say): the status says enough.
  }
  const { code, message } = isPlainObject(error) ? error : {};
  return status === 401 && code === 'user_token_required'
    ? new InboxError('user_token_required', 'Secure mode: pass `userToken` or `getUserToken` (signed by your server: generateUserToken) to createInbox().', { status })
    : new InboxError(status === 401 || status === 403 ? 'unauthorized' : 'http', typeof message === 'string' ? message : `The service answered ${status}.`, {
        status,
        retryAfterMs: parseRetryAfter(response.headers.get('Retry-After'), now)!,
      });
}

/**
 * A kept token is replaced this long before it expires (or halfway through a shorter life), so no
 * request goes out with a token about to expire.
 */
export const TOKEN_REFRESH_LEAD_MS = 60_000;

/** Reads the claims of a JWT without verifying them (the service verifies; we only plan with them). */
export function tokenClaims(token: string): Record<string, unknown> | undefined {
  try {
    // atob decodes without the padding (forgiving-base64), so base64url only needs its alphabet mapped.
    const claims: unknown = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));
    return isPlainObject(claims) ? claims : undefined;
  } catch {}
}

/** Reads the `sub` claim of a JWT without verifying it (only to name the cache; the service verifies). */
export function tokenSubject(token: string): string | undefined {
  const sub = tokenClaims(token)?.sub;
  if (typeof sub === 'string') return sub.startsWith('user:') ? sub.slice(5) : sub;
}

/** Creates the transport for one inbox. */
export function createTransport(options: TransportOptions): Transport {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const { now, getUserToken, signal: lifetime } = options;
  let kept: Promise<string> | undefined;
  // When the kept token is due for replacement on our clock; undefined while unknown (no exp).
  let refreshAt: number | undefined;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const forget = () => {
    kept = refreshAt = undefined;
    clearTimeout(refreshTimer);
  };
  lifetime?.addEventListener('abort', forget);

  function token(): Promise<string | undefined> {
    if (!getUserToken) return Promise.resolve(options.userToken);
    if (!kept || (refreshAt !== undefined && now() >= refreshAt)) {
      forget();
      const fetching = (kept = (async () => getUserToken())());
      fetching.then((value) => {
        if (kept !== fetching || lifetime?.aborted) return;
        // Plan the replacement from the lifetime `exp - iat` counted from receipt, so a client
        // clock that is off cannot make every token look expired (the service checks anyway).
        const { exp, iat } = tokenClaims(value) ?? {};
        const lifeMs = typeof exp === 'number' ? (exp - (typeof iat === 'number' ? iat : now() / 1000)) * 1000 : 0;
        if (!(lifeMs > 0)) return; // an expired token meets its 401 and one retry
        const delay = Math.max(lifeMs / 2, lifeMs - TOKEN_REFRESH_LEAD_MS);
        refreshAt = now() + delay;
        // setTimeout fires at once for delays above 2^31 - 1 ms (~24.8 days).
        refreshTimer = setTimeout(() => {
          refreshAt = 0;
          token().catch(() => {}); // a failure is met again by the next request
        }, Math.min(2 ** 31 - 1, delay));
      }, () => {});
    }
    const current = kept;
    // A failed fetch of the token must not be kept, or every retry would reuse the failure.
    return current.catch((cause: unknown) => {
      if (kept === current) forget();
      throw new InboxError('network', 'getUserToken() failed.', { cause });
    });
  }

  async function send(method: string, path: string, body: string | undefined, signal: AbortSignal, extra?: Record<string, string>): Promise<Response> {
    for (let retried = false; ; retried = true) {
      const userToken = await token();
      const headers: Record<string, string> = { [HEADER_API_KEY]: options.apiKey, ...extra };
      // In secure mode the token names the user; the header would only be ignored (design §5).
      if (userToken !== undefined) headers.Authorization = `Bearer ${userToken}`;
      else if (options.userId !== undefined) headers[HEADER_USER_ID] = encodeURIComponent(options.userId);
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      let response: Response;
      try {
        response = await options.fetch()(baseUrl + path, { method, headers, body, signal });
      } catch (cause) {
        throw fail(signal.aborted ? 'aborted' : 'network', cause);
      }
      if (response.ok) return response;
      const error = await errorFromResponse(response, now());
      // An expired token is the likely cause of a 401: ask the app for a fresh one, once.
      if (error.code !== 'unauthorized' || error.status !== 401 || !getUserToken || retried) throw error;
      forget();
    }
  }

  return {
    token,
    dropToken: forget,
    async request(method, path, body, signal, headers) {
      const response = await send(method, path, body === undefined ? undefined : JSON.stringify(body), signal, headers);
      try {
        return (await response.json()) as unknown;
      } catch (cause) {
        throw fail(signal.aborted ? 'aborted' : 'protocol', cause);
      }
    },
    openStream: (seq, signal) => send('GET', '/v1/me/events', undefined, signal, { Accept: 'text/event-stream', [HEADER_LAST_EVENT_ID]: '' + seq }),
  };
}
