// Turns a trigger's recipients into users: inline identifications are created or updated first;
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

/** Looks up (or, for inline identifications, saves) each recipient once. */
export async function resolveRecipients(deps: RouteDeps, appId: string, recipients: readonly ParsedRecipient[]): Promise<ResolvedRecipients> {
  const resolved: ResolvedRecipients = { users: [], discarded: [] };
  // A recipient named twice gets one notification (its first mention decides the attributes).
  const named = new Set<string>();
  for (const [i, recipient] of recipients.entries()) {
    if (named.has(recipient.identifier)) continue;
    named.add(recipient.identifier);
    const user = recipient.attributes
      ? await saveUser(deps, appId, recipient.identifier, recipient.attributes, `sendTo.recipients[${i}]`)
      : await deps.storage.findUser(appId, recipient.identifier);
    if (user) resolved.users.push(user);
    else resolved.discarded.push({ identifier: recipient.identifier, reason: 'user_not_found' });
  }
  return resolved;
}
