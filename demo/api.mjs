// The demo backend's JSON API, as an app's own backend would offer it: sign-in, the widget's user
// token for secure mode, and the send form. Every answer is [status, body, headers?]; errors are
// `{"error": {"code", "message"}}` with a 4xx, as the service's own.
import { createClient } from 'belfry/node';
import { CATEGORIES, TOKEN_LIFETIME_SECONDS } from './apps.mjs';

const SESSION_COOKIE = 'demo_user';
const MAX_IDENTIFIER = 256;

const fail = (status, code, message) => [status, { error: { code, message } }];

/** The signed-in user named by the request's session cookie, or null. */
export function sessionUser(cookieHeader) {
  const match = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]*)`).exec(cookieHeader ?? '');
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]) || null;
  } catch {
    return null;
  }
}

function checkUserId(userId) {
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > MAX_IDENTIFIER) return `userId must be a string of 1-${MAX_IDENTIFIER} characters`;
  return null;
}

/**
 * Creates the API over the two apps. `apps.secure.signingSecret` stays in here: the token endpoint
 * answers with the token only.
 */
export function createDemoApi(apps) {
  const clients = {
    open: createClient({ apiKey: apps.open.apiKey, apiSecret: apps.open.apiSecret, baseUrl: apps.open.serviceUrl }),
    secure: createClient({
      apiKey: apps.secure.apiKey,
      apiSecret: apps.secure.apiSecret,
      baseUrl: apps.secure.serviceUrl,
      signingKey: apps.secure.signingSecret,
    }),
  };

  return {
    /** Registers a workflow per category in both apps, so the service lists the categories on preference screens. */
    async registerCategories() {
      for (const client of Object.values(clients)) {
        for (const { id, label } of CATEGORIES) {
          await client.workflows.upsert(`${id}-update`, {
            name: `${label} update`,
            category: id,
            channels: { inApp: { title: '<<data.title>>', message: '<<data.message>>' } },
          });
        }
      }
    },

    /** `GET /api/config`: what the page needs to mount the widget; public keys and URLs only. */
    config() {
      const publicPart = (app) => ({ apiKey: app.apiKey, baseUrl: app.serviceUrl });
      return [200, { open: publicPart(apps.open), secure: publicPart(apps.secure), categories: CATEGORIES }];
    },

    /**
     * `POST /api/session {userId}`: signs the page in as `userId`. The demo has no passwords, so its
     * session cookie just names the user; a real app issues tokens from its own authenticated
     * session. In secure mode the widget cannot create its user, so the app's backend does it
     * here, as a real app would at sign-up.
     */
    async signIn(body) {
      const problem = checkUserId(body.userId);
      if (problem) return fail(400, 'invalid_request', problem);
      await clients.secure.createOrUpdateUser(body.userId, {});
      const cookie = `${SESSION_COOKIE}=${encodeURIComponent(body.userId)}; Path=/; HttpOnly; SameSite=Strict`;
      return [200, { userId: body.userId }, { 'set-cookie': cookie }];
    },

    /**
     * `POST /api/token`: a short-lived user token for the signed-in user of the secure app. The
     * user comes from the session, never from the request body, and the token goes back in the
     * body of a POST answer: never in a URL, where logs and history would keep it.
     */
    async token(user) {
      if (!user) return fail(401, 'not_signed_in', 'sign in first: POST /api/session');
      const token = await clients.secure.generateUserToken(user, { expiresIn: TOKEN_LIFETIME_SECONDS });
      return [200, { token, expiresIn: TOKEN_LIFETIME_SECONDS }];
    },

    /** `POST /api/send`: the send form; `app` picks the app the widget currently shows. */
    async send(body) {
      const { app = 'open', userId, firstName, title, message, category, data } = body;
      const client = app === 'open' || app === 'secure' ? clients[app] : undefined;
      if (!client) return fail(400, 'invalid_request', 'app must be "open" or "secure"');
      const problem = checkUserId(userId);
      if (problem) return fail(400, 'invalid_request', problem);
      if (category && !CATEGORIES.some((known) => known.id === category)) return fail(400, 'invalid_request', `category must be one of ${CATEGORIES.map((known) => known.id).join(', ')}`);
      if (typeof firstName === 'string' && firstName) await client.createOrUpdateUser(userId, { firstName });
      const result = await client.send({
        notification: { title: String(title ?? ''), message: String(message ?? ''), ...(category ? { category } : {}) },
        data: data && typeof data === 'object' && !Array.isArray(data) ? data : {},
        sendTo: { recipients: [userId] },
      });
      return [202, result];
    },
  };
}
