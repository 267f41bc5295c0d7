// User tokens for secure mode (design §5): a JWT the app's backend signs and hands to the widget.
// HS256 with the app's signing secret, or RS256/ES256 with a PKCS#8 private key whose public half
// is registered with the app. Runs wherever WebCrypto does (Node, Deno, Bun, edge runtimes).
import { importPKCS8, SignJWT } from 'jose';
import type { CryptoKey } from 'jose';
import { checkIdentifier } from '../protocol/index.ts';

/** How a client signs user tokens. */
export interface TokenSigningOptions {
  /** The app's HS256 signing secret, or a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`). */
  signingKey: string;
  /** Algorithm of a PEM key (default RS256); a secret always signs HS256. */
  algorithm?: 'RS256' | 'ES256';
  /** Key id put in the token header, so the service picks the right one of several keys. */
  kid?: string;
  /** Put in `aud`: the service refuses the token for any other app. */
  apiKey: string;
}

/** Options of one `generateUserToken` call. */
export interface UserTokenOptions {
  /** Lifetime: seconds, or a span such as `'15m'`, `'1h'`, `'7d'` (default one hour). */
  expiresIn?: number | string;
}

const DEFAULT_EXPIRES_IN = 3600;
// The service strips one `user:` prefix from `sub` (Engagespot's form), so an identifier that
// itself starts with it is signed with one more, and reaches the service unchanged.
const USER_PREFIX = 'user:';

/** Creates the signer of a client; the PEM key is imported once, on first use. */
export function createTokenSigner(options: TokenSigningOptions): (identifier: string, tokenOptions?: UserTokenOptions) => Promise<string> {
  const isPem = options.signingKey.trimStart().startsWith('-----BEGIN');
  const alg = isPem ? (options.algorithm ?? 'RS256') : 'HS256';
  let key: Promise<CryptoKey | Uint8Array> | undefined;
  const signingKey = () =>
    (key ??= isPem ? importPKCS8(options.signingKey, alg) : Promise.resolve(new TextEncoder().encode(options.signingKey)));

  return async (identifier, tokenOptions = {}) => {
    const problem = checkIdentifier(identifier);
    if (problem) throw new TypeError(`generateUserToken: the identifier ${problem}`);
    const expiresIn = tokenOptions.expiresIn ?? DEFAULT_EXPIRES_IN;
    if (typeof expiresIn === 'number' && !(Number.isFinite(expiresIn) && expiresIn > 0)) throw new TypeError('generateUserToken: expiresIn must be a positive number of seconds');
    const issuedAt = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader(options.kid === undefined ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid: options.kid })
      .setSubject(identifier.startsWith(USER_PREFIX) ? USER_PREFIX + identifier : identifier)
      .setAudience(options.apiKey)
      .setIssuedAt(issuedAt)
      .setExpirationTime(typeof expiresIn === 'number' ? issuedAt + Math.ceil(expiresIn) : expiresIn)
      .sign(await signingKey());
  };
}
