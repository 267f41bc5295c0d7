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
  // One pass with plain arrays: this runs for every trigger, up to 100 recipients each.
  const named = new Set<string>();
  const firstMentions: number[] = [];
  const lookups: string[] = [];
  for (let index = 0; index < recipients.length; index++) {
    const { identifier, attributes } = recipients[index]!;
    if (named.has(identifier)) continue;
    named.add(identifier);
    firstMentions.push(index);
    if (!attributes) lookups.push(identifier);
  }
  const found = new Map<string, UserRecord>();
  if (lookups.length > 0) for (const user of await deps.storage.findUsers(appId, lookups)) found.set(user.identifier, user);
  const resolved: ResolvedRecipients = { users: [], discarded: [] };
  for (const index of firstMentions) {
    const { identifier, attributes } = recipients[index]!;
    const user = attributes ? await saveUser(deps, appId, identifier, attributes, `sendTo.recipients[${index}]`) : found.get(identifier);
    if (user) resolved.users.push(user);
    else resolved.discarded.push({ identifier, reason: 'user_not_found' });
  }
  return resolved;
}
