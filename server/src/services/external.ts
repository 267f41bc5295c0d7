// Sends a trigger's email, SMS and webhook messages and logs every outcome in the deliveries log.
// A failed send never fails the trigger: the answer says the message was handed off, and
// `GET /v1/deliveries` says how that went.
import type { Attributes, DeliveryRecord, Json } from 'belfry/protocol';
import { renderText } from 'belfry/template';
import type { TemplateContext } from 'belfry/template';
import { postWebhook, recordOnlyProvider, webhookSecret } from '../channels/index.ts';
import type { ChannelProvider, ChannelResult } from '../channels/index.ts';
import type { RouteDeps } from '../routes/deps.ts';
import type { AppRecord, UserRecord } from '../storage/index.ts';
import type { TriggerPlan } from './plan.ts';

/** One message to send: a channel other than in-app, for one user. */
export interface ExternalSend {
  channel: DeliveryRecord['channel'];
  user: UserRecord;
}

/**
 * The context templates render with, as the widget builds it: attributes, data, the app (its
 * name, null when unset, so `<<app.name>>` renders empty or its default), locale, time zone.
 */
export function templateContext(attributes: Attributes, data: Record<string, Json>, app: Pick<AppRecord, 'name'>): TemplateContext {
  return {
    recipient: attributes,
    data,
    app: { name: app.name },
    ...(typeof attributes['locale'] === 'string' ? { locale: attributes['locale'] } : {}),
    ...(typeof attributes['timezone'] === 'string' ? { timeZone: attributes['timezone'] } : {}),
  };
}

// The notification as a webhook receives it: the in-app template if there is one, else the
// email's, else the SMS text, rendered for this recipient.
function webhookPayload(app: AppRecord, plan: TriggerPlan, triggerId: string, user: UserRecord): string {
  const context = templateContext(user.attributes, plan.data, app);
  const title = plan.inApp?.title ?? plan.email?.subject ?? plan.workflow?.name ?? '';
  const message = plan.inApp?.message ?? plan.email?.body ?? plan.sms?.text ?? '';
  return JSON.stringify({
    triggerId,
    workflow: plan.workflow?.identifier ?? null,
    recipient: { identifier: user.identifier, attributes: user.attributes },
    notification: { title: renderText(title, context), message: renderText(message, context), url: plan.inApp?.url ?? null, data: plan.data },
  });
}

async function viaProvider(provider: ChannelProvider, message: Parameters<ChannelProvider['send']>[0]): Promise<ChannelResult> {
  try {
    return await provider.send(message);
  } catch (error) {
    return { status: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
}

async function sendOne(deps: RouteDeps, app: AppRecord, plan: TriggerPlan, triggerId: string, send: ExternalSend): Promise<void> {
  const { user, channel } = send;
  const context = templateContext(user.attributes, plan.data, app);
  let to: string;
  let subject: string | null = null;
  let body: string;
  let result: ChannelResult;
  if (channel === 'webhook') {
    to = plan.webhook!.url;
    body = webhookPayload(app, plan, triggerId, user);
    result = await postWebhook(to, body, webhookSecret(app), deps.providers?.webhook);
  } else {
    // The pipeline only plans a send when the attribute is a non-empty string.
    to = user.attributes[channel === 'email' ? 'email' : 'phoneNumber'] as string;
    if (channel === 'email') subject = renderText(plan.email!.subject, context);
    body = renderText(channel === 'email' ? plan.email!.body : plan.sms!.text, context);
    const provider = deps.providers?.[channel] ?? recordOnlyProvider;
    result = await viaProvider(provider, { channel, to, ...(subject !== null ? { subject } : {}), body, recipient: user.identifier, triggerId, appId: app.id });
  }
  await deps.storage.deliveries.record(app.id, {
    triggerId,
    channel,
    recipient: user.identifier,
    to,
    subject,
    body,
    status: result.status === 'sent' ? 'sent' : 'failed',
    error: result.status === 'sent' ? null : (result.error ?? 'the provider reported a failure'),
  });
}

/**
 * Sends every message concurrently and waits for all of them (a webhook gives up after its
 * timeout), so a 202 means each message was handed off and its outcome logged.
 */
export async function sendExternal(deps: RouteDeps, app: AppRecord, plan: TriggerPlan, triggerId: string, sends: readonly ExternalSend[]): Promise<void> {
  await Promise.all(
    sends.map((send) =>
      sendOne(deps, app, plan, triggerId, send).catch((error: unknown) =>
        // Only the deliveries log itself failing lands here; the message may have gone out.
        deps.log('error', 'could not log a delivery', { error, channel: send.channel, triggerId }),
      ),
    ),
  );
}
