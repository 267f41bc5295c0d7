// Turns a trigger's recipients into users: inline identifications are created or updated;
// identifiers never created are discarded with a reason, never silently dropped.
import type { TriggerResponse } from 'belfry/protocol';
import type { RouteDeps } from '../routes/deps.ts';
import type { ParsedRecipient } from '../routes/trigger-body.ts';
import { saveUser } from '../routes/users.ts';
import type { UserRecord } from '../storage/index.ts';

/** The users a trigger reaches, in the order named, and the identifiers it discarded. */
export interface ResolvedRecipients {
  users: UserRecord[];
  discarded: TriggerResponse['discarded'];
}

/**
 * Looks up every string recipient in one query and saves each inline identification (rarer, and
 * each may change attributes), keeping the order in which recipients were named.
 */
export async function resolveRecipients(deps: RouteDeps, appId: string, recipients: readonly ParsedRecipient[]): Promise<ResolvedRecipients> {
  // A recipient named twice gets one notification (its first mention decides the attributes).
  const first = new Map<string, { recipient: ParsedRecipient; index: number }>();
  for (const [index, recipient] of recipients.entries()) if (!first.has(recipient.identifier)) first.set(recipient.identifier, { recipient, index });
  const lookups = [...first.values()].filter(({ recipient }) => !recipient.attributes).map(({ recipient }) => recipient.identifier);
  const found = new Map((await deps.storage.findUsers(appId, lookups)).map((user) => [user.identifier, user]));
  const resolved: ResolvedRecipients = { users: [], discarded: [] };
  for (const { recipient, index } of first.values()) {
    const user = recipient.attributes
      ? await saveUser(deps, appId, recipient.identifier, recipient.attributes, `sendTo.recipients[${index}]`)
      : found.get(recipient.identifier);
    if (user) resolved.users.push(user);
    else resolved.discarded.push({ identifier: recipient.identifier, reason: 'user_not_found' });
  }
  return resolved;
}
