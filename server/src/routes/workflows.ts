// Backend API: stored workflows (design §2, §4). Every template is parsed when saved, so a
// syntax error is a 400 that says where, not a broken notification later.
import { Hono } from 'hono';
import { checkTemplate, isSafeUrl } from 'belfry/template';
import type { InAppTemplate, WorkflowChannels, WorkflowInput } from 'belfry/protocol';
import { backendAuth } from '../auth.ts';
import type { AuthEnv } from '../auth.ts';
import { HttpError, invalidField } from '../errors.ts';
import { objectField, optionalString, optionalUrl, readJson } from '../http/index.ts';
import type { RouteDeps } from './deps.ts';
import { parseActions, parseCategory, parseIcon } from './trigger-body.ts';
import { validIdentifier } from './users.ts';

const MAX_NAME_LENGTH = 200;

// A template source: a string whose syntax parses; the 400 names the field and the offset.
function template(value: unknown, field: string, required = true): string {
  const source = optionalString(value, field);
  if (source === null) {
    if (required) throw invalidField(field, 'is required');
    return '';
  }
  const problem = checkTemplate(source);
  if (problem) throw new HttpError(400, 'invalid_request', `${field}: ${problem.message} at ${problem.offset}`);
  return source;
}

// A link that may hold placeholders (filled from `data` at trigger time): syntax and allow-list.
function templateUrl(value: unknown, field: string): string | null {
  const url = optionalUrl(value, field);
  if (url !== null) template(url, field);
  return url;
}

function parseInApp(value: unknown): InAppTemplate {
  const field = 'channels.inApp';
  const inApp = objectField(value, field);
  const title = template(inApp['title'], `${field}.title`, false);
  const message = template(inApp['message'], `${field}.message`, false);
  if (!title && !message) throw invalidField(field, 'needs a title or a message');
  const actions = parseActions(inApp['actions'], `${field}.actions`).map((action, i) => {
    template(action.label, `${field}.actions[${i}].label`);
    if (action.url) templateUrl(action.url, `${field}.actions[${i}].url`);
    return action;
  });
  return { title, message, url: templateUrl(inApp['url'], `${field}.url`), icon: parseIcon(inApp['icon'], `${field}.icon`), actions };
}

function parseWebhookUrl(value: unknown): string {
  const field = 'channels.webhook.url';
  const url = optionalString(value, field);
  if (url === null) throw invalidField(field, 'is required');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidField(field, 'must be an absolute http: or https: URL');
  }
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || !isSafeUrl(url)) throw invalidField(field, 'must be an absolute http: or https: URL');
  // Credentials in the URL would be stored and listed in the deliveries log.
  if (parsed.username || parsed.password) throw invalidField(field, 'must not contain credentials');
  return url;
}

/** Validates a workflow body; throws a 400 naming the first field that is wrong. Unknown fields are dropped. */
export function parseWorkflowInput(body: unknown): WorkflowInput {
  const root = objectField(body, 'body');
  const name = optionalString(root['name'], 'name');
  if (!name || name.length > MAX_NAME_LENGTH) throw invalidField('name', `must be 1–${MAX_NAME_LENGTH} characters`);
  const input = objectField(root['channels'], 'channels');
  const channels: WorkflowChannels = {};
  if (input['inApp'] !== undefined && input['inApp'] !== null) channels.inApp = parseInApp(input['inApp']);
  if (input['email'] !== undefined && input['email'] !== null) {
    const email = objectField(input['email'], 'channels.email');
    channels.email = { subject: template(email['subject'], 'channels.email.subject'), body: template(email['body'], 'channels.email.body') };
  }
  if (input['sms'] !== undefined && input['sms'] !== null) {
    channels.sms = { text: template(objectField(input['sms'], 'channels.sms')['text'], 'channels.sms.text') };
  }
  if (input['webhook'] !== undefined && input['webhook'] !== null) {
    channels.webhook = { url: parseWebhookUrl(objectField(input['webhook'], 'channels.webhook')['url']) };
  }
  if (Object.keys(channels).length === 0) throw invalidField('channels', 'needs at least one of inApp, email, sms, webhook');
  return { name, category: parseCategory(root['category'], 'category'), channels };
}

/** Routes under `/v1/workflows`. */
export function workflowRoutes(deps: RouteDeps): Hono<AuthEnv> {
  const { storage } = deps;
  const routes = new Hono<AuthEnv>();
  routes.use('*', backendAuth(storage));

  routes.get('/', async (c) => c.json({ items: await storage.workflows.list(c.get('app').id) }));

  routes.put('/:identifier', async (c) => {
    const identifier = validIdentifier(c.req.param('identifier'), 'identifier');
    const input = parseWorkflowInput(await readJson(c));
    const appId = c.get('app').id;
    const workflow = await storage.workflows.upsert(appId, identifier, input);
    // Listed for preference screens. Only added, never renamed: a name set through the
    // categories API stays.
    if (input.category && !(await storage.categories.list(appId)).some((category) => category.identifier === input.category)) {
      await storage.categories.upsert(appId, input.category, input.category);
    }
    return c.json(workflow);
  });

  routes.get('/:identifier', async (c) => {
    const identifier = validIdentifier(c.req.param('identifier'), 'identifier');
    const workflow = await storage.workflows.get(c.get('app').id, identifier);
    if (!workflow) throw new HttpError(404, 'workflow_not_found', 'no workflow has this identifier');
    return c.json(workflow);
  });

  routes.delete('/:identifier', async (c) => {
    const identifier = validIdentifier(c.req.param('identifier'), 'identifier');
    if (!(await storage.workflows.remove(c.get('app').id, identifier))) throw new HttpError(404, 'workflow_not_found', 'no workflow has this identifier');
    return c.body(null, 204);
  });

  return routes;
}
