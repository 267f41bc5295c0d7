// What one trigger sends on each channel, decided once before any recipient is touched: from the
// stored workflow it names, or from its inline content (in-app only).
import type { Json, Workflow, WorkflowChannels } from 'belfry/protocol';
import { isSafeUrl, renderText } from 'belfry/template';
import { HttpError } from '../errors.ts';
import type { ParsedTrigger } from '../routes/trigger-body.ts';
import type { AppRecord, NotificationContent, Storage } from '../storage/index.ts';
import { templateContext } from './external.ts';

/** The channels of one trigger; a channel left out is not sent. */
export interface TriggerPlan {
  workflow: Workflow | null;
  /** The category preferences are looked up by (`default` when the notification has none). */
  preferenceCategory: string;
  /** The in-app notification every recipient gets (template sources, rendered by the widget). */
  inApp: NotificationContent | null;
  email: WorkflowChannels['email'] | null;
  sms: WorkflowChannels['sms'] | null;
  webhook: WorkflowChannels['webhook'] | null;
  data: Record<string, Json>;
}

/** The preference category of notifications without one. */
export const DEFAULT_CATEGORY = 'default';

// Stored URLs may hold placeholders (`/orders/<<data.orderId>>`). They are filled from `data`
// and the app only, since one in-app content goes to every recipient; a result that fails the
// allow-list (a value that turned it into `javascript:`) is dropped, as the widget would drop it.
function fillUrl(source: string | null | undefined, data: Record<string, Json>, app: AppRecord): string | null {
  if (!source) return null;
  if (!source.includes('<<') && !source.includes('{{')) return source;
  const url = renderText(source, templateContext({}, data, app));
  return url !== '' && isSafeUrl(url) ? url : null;
}

function workflowInApp(workflow: Workflow, data: Record<string, Json>, app: AppRecord): NotificationContent | null {
  const template = workflow.channels.inApp;
  if (!template) return null;
  return {
    category: workflow.category,
    workflow: workflow.identifier,
    title: template.title,
    message: template.message,
    url: fillUrl(template.url, data, app),
    icon: template.icon ?? null,
    actions: (template.actions ?? []).map((action) => ({ ...action, url: fillUrl(action.url, data, app) })),
    data,
  };
}

/**
 * Resolves a trigger's plan. A stored workflow wins; inline content is used when the trigger
 * names no workflow or one that is not stored (then its identifier only labels the notification).
 * A trigger with neither is a 400 naming the workflow, answered before anything is written.
 */
export async function planTrigger(storage: Storage, app: AppRecord, trigger: ParsedTrigger): Promise<TriggerPlan> {
  const workflow = trigger.workflow === null ? null : await storage.workflows.get(app.id, trigger.workflow);
  if (workflow) {
    return {
      workflow,
      preferenceCategory: workflow.category ?? DEFAULT_CATEGORY,
      inApp: workflowInApp(workflow, trigger.data, app),
      email: workflow.channels.email ?? null,
      sms: workflow.channels.sms ?? null,
      webhook: workflow.channels.webhook ?? null,
      data: trigger.data,
    };
  }
  if (!trigger.content) {
    throw new HttpError(400, 'invalid_request', `notification.workflow.identifier names no workflow: ${JSON.stringify(trigger.workflow)}`);
  }
  return {
    workflow: null,
    preferenceCategory: trigger.content.category ?? DEFAULT_CATEGORY,
    inApp: trigger.content,
    email: null,
    sms: null,
    webhook: null,
    data: trigger.data,
  };
}
