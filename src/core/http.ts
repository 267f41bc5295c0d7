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
}

/** Sends the inbox's requests with its credentials. */
export interface Transport {
  /** Sends a request (a JSON body when `body` is given) and resolves with the parsed JSON answer. */
  request(method: string, path: string, body: unknown, signal: AbortSignal, headers?: Record<string, string>): Promise<unknown>;
  /** Opens the event stream resuming after `seq`; resolves with the open response. */
  openStream(seq: number, signal: AbortSignal): Promise<Response>;
  /** The user token, asking `getUserToken` once and keeping the answer; undefined without one. */
  token(): Promise<string | undefined>;
  /** Forgets the kept token, so the next request asks `getUserToken` again. */
  dropToken(): void;
}

const USER_TOKEN_REQUIRED_MESSAGE =
  'This app runs in secure mode: pass `userToken` or `getUserToken` to createInbox() (a token signed by your server, see generateUserToken).';

/** Turns an error answer into an InboxError: 401/403 are final, anything else is retryable. */
export async function errorFromResponse(response: Response, now: number): Promise<InboxError> {
  let code = '';
  let message = `The service answered ${response.status}.`;
  try {
    const body: unknown = await response.json();
    if (isPlainObject(body) && isPlainObject(body.error)) {
      if (typeof body.error.code === 'string') code = body.error.code;
      if (typeof body.error.message === 'string') message = body.error.message;
    }
  } catch {
    // Not JSON (a proxy's HTML error page, say): the status says enough.
  }
  const status = response.status;
  if (status === 401 && code === 'user_token_required') return new InboxError('user_token_required', USER_TOKEN_REQUIRED_MESSAGE, { status });
  if (status === 401 || status === 403) return new InboxError('unauthorized', message, { status });
  const retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'), now);
  return new InboxError('http', message, retryAfterMs === undefined ? { status } : { status, retryAfterMs });
}

/** Reads the `sub` claim of a JWT without verifying it (only to name the cache; the service verifies). */
export function tokenSubject(token: string): string | undefined {
  try {
    const payload = token.split('.')[1];
    if (!payload) return undefined;
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims: unknown = JSON.parse(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '=')));
    if (!isPlainObject(claims) || typeof claims.sub !== 'string') return undefined;
    return claims.sub.startsWith('user:') ? claims.sub.slice(5) : claims.sub;
  } catch {
    return undefined;
  }
}

/** Creates the transport for one inbox. */
export function createTransport(options: TransportOptions): Transport {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  let kept: Promise<string> | undefined;

  function token(): Promise<string | undefined> {
    if (options.getUserToken) {
      const getUserToken = options.getUserToken;
      kept ??= (async () => getUserToken())();
      // A failed fetch of the token must not be kept, or every retry would reuse the failure.
      return kept.catch((cause: unknown) => {
        kept = undefined;
        throw new InboxError('network', 'getUserToken() failed.', { cause });
      });
    }
    return Promise.resolve(options.userToken);
  }

  async function send(method: string, path: string, extra: Record<string, string>, body: string | undefined, signal: AbortSignal) {
    for (let attempt = 0; ; attempt++) {
      const userToken = await token();
      const headers: Record<string, string> = { [HEADER_API_KEY]: options.apiKey, ...extra };
      // In secure mode the token names the user; the header would only be ignored (design §5).
      if (userToken !== undefined) headers.Authorization = `Bearer ${userToken}`;
      else if (options.userId !== undefined) headers[HEADER_USER_ID] = encodeURIComponent(options.userId);
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      let response: Response;
      try {
        response = await options.fetch()(`${baseUrl}${path}`, { method, headers, body, signal });
      } catch (cause) {
        if (signal.aborted) throw new InboxError('aborted', 'The request was aborted.', { cause });
        throw new InboxError('network', 'The service cannot be reached.', { cause });
      }
      if (response.ok) return response;
      const error = await errorFromResponse(response, options.now());
      // An expired token is the likely cause of a 401: ask the app for a fresh one, once.
      if (error.code === 'unauthorized' && error.status === 401 && options.getUserToken && attempt === 0) {
        kept = undefined;
        continue;
      }
      throw error;
    }
  }

  return {
    token,
    dropToken() {
      kept = undefined;
    },
    async request(method, path, body, signal, headers = {}) {
      const response = await send(method, path, headers, body === undefined ? undefined : JSON.stringify(body), signal);
      try {
        return (await response.json()) as unknown;
      } catch (cause) {
        if (signal.aborted) throw new InboxError('aborted', 'The request was aborted.', { cause });
        throw new InboxError('protocol', 'The service answered with malformed JSON.', { cause });
      }
    },
    openStream(seq, signal) {
      return send('GET', '/v1/me/events', { Accept: 'text/event-stream', [HEADER_LAST_EVENT_ID]: String(seq) }, undefined, signal);
    },
  };
}
