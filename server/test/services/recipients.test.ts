import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/index.ts';
import type { RouteDeps } from '../../src/routes/deps.ts';
import type { ParsedRecipient } from '../../src/routes/trigger-body.ts';
import { resolveRecipients } from '../../src/services/recipients.ts';
import { createTestService } from '../fixtures.ts';
import type { TestService } from '../fixtures.ts';

/** A string recipient (`null` attributes) or an inline identification. */
function createRecipient(identifier: string, attributes: ParsedRecipient['attributes'] = null): ParsedRecipient {
  return { identifier, attributes };
}

describe('resolveRecipients()', () => {
  let service: TestService;
  let deps: RouteDeps;
  let appId: string;
  beforeEach(async () => {
    service = await createTestService();
    deps = { storage: service.storage, bus: service.bus, hub: service.hub, log: service.log, metrics: createMetrics() };
    appId = (await service.storage.findAppByApiKey(service.apiKey))!.id;
    for (const identifier of ['ada', 'bob', 'cy']) await service.storage.upsertUser(appId, identifier, { firstName: identifier });
  });
  afterEach(async () => service.close());

  const identifiers = (resolved: Awaited<ReturnType<typeof resolveRecipients>>) => resolved.users.map((user) => user.identifier);

  it('answers the users in the order named and discards every identifier never created, in order', async () => {
    const resolved = await resolveRecipients(deps, appId, ['cy', 'ghost', 'ada', 'phantom', 'bob'].map((id) => createRecipient(id)));
    expect(identifiers(resolved)).toEqual(['cy', 'ada', 'bob']);
    expect(resolved.discarded).toEqual([
      { identifier: 'ghost', reason: 'user_not_found' },
      { identifier: 'phantom', reason: 'user_not_found' },
    ]);
  });

  it('answers a recipient named twice once, and discards an unknown one once', async () => {
    const resolved = await resolveRecipients(deps, appId, ['ada', 'ghost', 'ada', 'bob', 'ghost'].map((id) => createRecipient(id)));
    expect(identifiers(resolved)).toEqual(['ada', 'bob']);
    expect(resolved.discarded).toEqual([{ identifier: 'ghost', reason: 'user_not_found' }]);
  });

  it('creates inline recipients never created, between string recipients, keeping the order', async () => {
    const resolved = await resolveRecipients(deps, appId, [createRecipient('ghost'), createRecipient('dee', { email: 'dee@example.com' }), createRecipient('ada')]);
    expect(identifiers(resolved)).toEqual(['dee', 'ada']);
    expect(resolved.users[0]!.attributes).toEqual({ email: 'dee@example.com' });
    expect(resolved.discarded).toEqual([{ identifier: 'ghost', reason: 'user_not_found' }]);
  });

  it('lets the first mention of a recipient decide its attributes', async () => {
    await resolveRecipients(deps, appId, [createRecipient('ada'), createRecipient('ada', { locale: 'fr' })]);
    expect((await service.storage.findUser(appId, 'ada'))!.attributes).toEqual({ firstName: 'ada' });
    const resolved = await resolveRecipients(deps, appId, [createRecipient('ada', { locale: 'de' }), createRecipient('ada', { locale: 'fr' }), createRecipient('ada')]);
    expect(resolved.users.map((user) => user.attributes)).toEqual([{ firstName: 'ada', locale: 'de' }]);
  });

  it('names the first mention of an inline recipient whose merge exceeds the attribute limit', async () => {
    const full = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`a${i}`, 'x']));
    await service.storage.upsertUser(appId, 'full', full);
    const recipients = [createRecipient('ghost'), createRecipient('ada'), createRecipient('full', { extra: 'x' }), createRecipient('full', { more: 'y' })];
    await expect(resolveRecipients(deps, appId, recipients)).rejects.toThrow('sendTo.recipients[2]');
  });
});
