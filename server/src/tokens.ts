// Verification of user tokens in secure mode (design §5). A token is a JWT signed by the app's
// backend: HS256 with the app's signing secret, or RS256/ES256 with a private key whose public
// half is registered with the app. The key decides the algorithm, never the token's header.
import { errors, importSPKI, jwtVerify } from 'jose';
import type { CryptoKey, JWTPayload, JWTVerifyGetKey } from 'jose';
import { checkIdentifier } from 'belfry/protocol';
import type { AppRecord, PublicKeyRecord } from './storage/index.ts';

/** Seconds of clock skew allowed between the token's signer and this service. */
export const CLOCK_TOLERANCE_SECONDS = 60;

/** What a valid user token says. */
export interface VerifiedToken {
  /** The user's identifier (from `sub`, without a `user:` prefix). */
  identifier: string;
  /** When the token expires (ms since the epoch); null for a non-expiring token. */
  expiresAt: number | null;
}

/** A token refused for `reason`; the reason is for the log only, never for the client. */
export class TokenRejectedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TokenRejectedError';
  }
}

// Engagespot tokens name the user as `user:<identifier>`; Belfry's SDK signs the bare identifier
// (and prefixes identifiers that themselves start with `user:`, so stripping one is exact).
const USER_PREFIX = 'user:';
// Imported public keys by PEM, so a request does not parse ASN.1 each time. Bounded: keys rotate.
const MAX_CACHED_KEYS = 256;
const importedKeys = new Map<string, Promise<CryptoKey>>();
const utf8 = new TextEncoder();

function importPublicKey(record: PublicKeyRecord): Promise<CryptoKey> {
  const cacheKey = `${record.alg}\n${record.pem}`;
  let key = importedKeys.get(cacheKey);
  if (!key) {
    if (importedKeys.size >= MAX_CACHED_KEYS) importedKeys.delete(importedKeys.keys().next().value!);
    key = importSPKI(record.pem, record.alg);
    // A PEM that does not import is refused each time it is used, not cached as a failure.
    key.catch(() => importedKeys.delete(cacheKey));
    importedKeys.set(cacheKey, key);
  }
  return key;
}

/**
 * Picks the key for a token from its header, pinning the algorithm to the key: HS256 only with
 * the signing secret, RS256/ES256 only with a registered public key of that algorithm. So
 * `alg: none`, and an HS256 token "signed" with a public key's PEM text, find no key.
 */
function keyResolver(app: AppRecord): JWTVerifyGetKey {
  return async (header) => {
    if (header.alg === 'HS256') {
      if (!app.signingSecret) throw new TokenRejectedError('HS256 token, but the app has no signing secret');
      return utf8.encode(app.signingSecret);
    }
    if (header.alg !== 'RS256' && header.alg !== 'ES256') throw new TokenRejectedError(`algorithm ${String(header.alg)} is not accepted`);
    let record: PublicKeyRecord | undefined;
    if (header.kid !== undefined) record = app.publicKeys.find((key) => key.kid === header.kid);
    // Without a kid there is no way to choose, so only a single registered key is tried.
    else if (app.publicKeys.length === 1) record = app.publicKeys[0];
    if (!record) throw new TokenRejectedError(header.kid === undefined ? 'token without kid, and the app has not exactly one public key' : 'unknown kid');
    if (record.alg !== header.alg) throw new TokenRejectedError(`${header.alg} token, but key ${record.kid} is ${record.alg}`);
    try {
      return await importPublicKey(record);
    } catch {
      throw new TokenRejectedError(`public key ${record.kid} does not import as ${record.alg}`);
    }
  };
}

function checkClaims(app: AppRecord, payload: JWTPayload, nowSeconds: number): VerifiedToken {
  if (typeof payload.sub !== 'string') throw new TokenRejectedError('no sub claim');
  const identifier = payload.sub.startsWith(USER_PREFIX) ? payload.sub.slice(USER_PREFIX.length) : payload.sub;
  const problem = checkIdentifier(identifier);
  if (problem) throw new TokenRejectedError(`sub ${problem}`);
  // jose checks that `iat` is a number but not that it lies in the past.
  if (payload.iat === undefined) throw new TokenRejectedError('no iat claim');
  if (payload.iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) throw new TokenRejectedError('iat is in the future');
  if (payload.exp === undefined && !app.allowNonExpiringTokens) throw new TokenRejectedError('no exp claim, and the app requires expiring tokens');
  if (payload.aud !== undefined) {
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(app.apiKey)) throw new TokenRejectedError('aud is not this app');
  }
  // Engagespot tokens name their app in an `apiKey` claim instead of `aud`.
  if (payload['apiKey'] !== undefined && payload['apiKey'] !== app.apiKey) throw new TokenRejectedError('apiKey claim is not this app');
  return { identifier, expiresAt: payload.exp === undefined ? null : payload.exp * 1000 };
}

/**
 * Verifies a user token for `app`; rejects with `TokenRejectedError` (its message is the reason,
 * for the log) on any failure: signature, algorithm, key, or claims.
 */
export async function verifyUserToken(app: AppRecord, token: string, now: Date = new Date()): Promise<VerifiedToken> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keyResolver(app), {
      algorithms: ['HS256', 'RS256', 'ES256'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: now,
    }));
  } catch (error) {
    if (error instanceof TokenRejectedError) throw error;
    if (error instanceof errors.JOSEError) throw new TokenRejectedError(`${error.code}: ${error.message}`);
    throw new TokenRejectedError('malformed token');
  }
  return checkClaims(app, payload, Math.floor(now.getTime() / 1000));
}
