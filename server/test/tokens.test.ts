import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { AppRecord } from '../src/index.ts';
import { TokenRejectedError, verifyUserToken } from '../src/tokens.ts';

const SECRET = 'hs256-secret';
const secretKey = new TextEncoder().encode(SECRET);
// A fixed clock, so the claims below are exact.
const NOW = new Date('2030-01-01T00:00:00Z');
const nowSeconds = NOW.getTime() / 1000;

/** An app record with a signing secret and no public keys. */
function createAppRecord(overrides: Partial<AppRecord> = {}): AppRecord {
  return {
    id: 'app_1',
    apiKey: 'bk_test',
    apiSecretHash: '00',
    secureMode: true,
    signingSecret: SECRET,
    publicKeys: [],
    allowNonExpiringTokens: false,
    name: null,
    createdAt: NOW.toISOString(),
    ...overrides,
  };
}

function sign(claims: Record<string, unknown>, key: Parameters<SignJWT['sign']>[0] = secretKey, header: { alg: string; kid?: string } = { alg: 'HS256' }) {
  return new SignJWT({ sub: 'ada', iat: nowSeconds, exp: nowSeconds + 600, ...claims }).setProtectedHeader(header).sign(key);
}

describe('verifyUserToken', () => {
  it('answers the identifier and the expiry in milliseconds', async () => {
    await expect(verifyUserToken(createAppRecord(), await sign({}), NOW)).resolves.toEqual({ identifier: 'ada', expiresAt: NOW.getTime() + 600_000 });
  });

  it('strips one "user:" prefix, so identifiers that start with it stay addressable', async () => {
    const app = createAppRecord();
    expect((await verifyUserToken(app, await sign({ sub: 'user:ada' }), NOW)).identifier).toBe('ada');
    expect((await verifyUserToken(app, await sign({ sub: 'user:user:ada' }), NOW)).identifier).toBe('user:ada');
  });

  it('answers a null expiry for a non-expiring token when the app allows them', async () => {
    const token = await new SignJWT({ sub: 'ada', iat: nowSeconds }).setProtectedHeader({ alg: 'HS256' }).sign(secretKey);
    await expect(verifyUserToken(createAppRecord({ allowNonExpiringTokens: true }), token, NOW)).resolves.toEqual({ identifier: 'ada', expiresAt: null });
    await expect(verifyUserToken(createAppRecord(), token, NOW)).rejects.toThrow(TokenRejectedError);
  });

  it('judges exp and iat by the given clock with 60 s of tolerance', async () => {
    const app = createAppRecord();
    const token = await sign({ exp: nowSeconds + 10 });
    await expect(verifyUserToken(app, token, new Date(NOW.getTime() + 69_000))).resolves.toMatchObject({ identifier: 'ada' });
    await expect(verifyUserToken(app, token, new Date(NOW.getTime() + 71_000))).rejects.toThrow('ERR_JWT_EXPIRED');
    await expect(verifyUserToken(app, token, new Date(NOW.getTime() - 61_000))).rejects.toThrow('iat is in the future');
  });

  it('accepts an aud list that names the app', async () => {
    await expect(verifyUserToken(createAppRecord(), await sign({ aud: ['other', 'bk_test'] }), NOW)).resolves.toMatchObject({ identifier: 'ada' });
  });

  it('refuses a registered key whose PEM does not import, every time', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const app = createAppRecord({ publicKeys: [{ kid: 'k1', alg: 'RS256', pem: '-----BEGIN PUBLIC KEY-----\nbroken\n-----END PUBLIC KEY-----' }] });
    const token = await sign({}, privateKey, { alg: 'RS256', kid: 'k1' });
    for (let i = 0; i < 2; i++) await expect(verifyUserToken(app, token, NOW)).rejects.toThrow('does not import');
  });

  it('refuses an ES256 public key registered as RS256', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const app = createAppRecord({ publicKeys: [{ kid: 'k1', alg: 'RS256', pem: await exportSPKI(publicKey) }] });
    await expect(verifyUserToken(app, await sign({}, privateKey, { alg: 'ES256', kid: 'k1' }), NOW)).rejects.toThrow('key k1 is RS256');
    const rsa = await generateKeyPair('RS256');
    await expect(verifyUserToken(app, await sign({}, rsa.privateKey, { alg: 'RS256', kid: 'k1' }), NOW)).rejects.toThrow('does not import as RS256');
  });
});
