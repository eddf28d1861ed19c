import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { isProduction, type Env } from '../../env';
import { unauthorized } from '../http/problem';

export const ISSUER = 'dc-platform';
export const AUDIENCE = 'dc-platform-api';
const ALG = 'HS256';
const DEV_SECRET = 'dev-only-secret-change-me-0123456789abcdef';

export interface AccessClaims {
  sub: string;
  username: string;
  role: string;
  /** how the user authenticated (RFC 8176), extended by the security issue (hwk, otp, ...) */
  amr: string[];
  auth_time: number;
  /** the session this token was minted from; revoking the session ends the token */
  sid?: string;
  /** when the session last passed a passkey step-up with user verification (seconds since the epoch) */
  step_up_at?: number;
}

const TYP = 'at+jwt'; // RFC 9068: an access token, not an ID token or any other JWT signed with the same key
const enc = (secret: string) => new TextEncoder().encode(secret);

function assertStrong(env: Env, name: string, secret: string) {
  if (isProduction(env) && (secret.length < 32 || secret === DEV_SECRET)) {
    throw new Error(`${name} must be set to a random value of at least 32 characters in production`);
  }
}

/**
 * The signing key (`JWT_SECRET`, named `JWT_KID`) and the keys still trusted for verification during a rotation
 * (`JWT_PREVIOUS_KEYS`, JSON {kid: secret}). A token naming any other kid — or none — is refused.
 */
function keyring(env: Env): { kid: string; key: Uint8Array; trusted: Map<string, Uint8Array> } {
  const secret = env.JWT_SECRET ?? (isProduction(env) ? '' : DEV_SECRET);
  assertStrong(env, 'JWT_SECRET', secret);
  const kid = env.JWT_KID ?? 'k1';
  const trusted = new Map([[kid, enc(secret)]]);
  if (env.JWT_PREVIOUS_KEYS) {
    let previous: unknown;
    try {
      previous = JSON.parse(env.JWT_PREVIOUS_KEYS);
    } catch {
      throw new Error('JWT_PREVIOUS_KEYS must be a JSON object {"kid": "secret"}');
    }
    for (const [k, v] of Object.entries(previous as Record<string, unknown>)) {
      if (typeof v !== 'string') throw new Error(`JWT_PREVIOUS_KEYS: the secret of "${k}" must be a string`);
      assertStrong(env, `JWT_PREVIOUS_KEYS.${k}`, v);
      if (k !== kid) trusted.set(k, enc(v));
    }
  }
  return { kid, key: enc(secret), trusted };
}

export const accessTokenTtlSeconds = (env: Env) => {
  const minutes = Number(env.ACCESS_TOKEN_EXPIRE_MINUTES ?? 30);
  return Math.round((Number.isFinite(minutes) && minutes > 0 ? minutes : 30) * 60);
};

export async function signAccessToken(env: Env, claims: AccessClaims): Promise<{ token: string; expiresIn: number }> {
  const expiresIn = accessTokenTtlSeconds(env);
  const ring = keyring(env);
  const { sub, ...rest } = claims;
  const token = await new SignJWT({ ...rest, token_use: 'access' })
    .setProtectedHeader({ alg: ALG, typ: TYP, kid: ring.kid })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${expiresIn}s`)
    .setJti(crypto.randomUUID())
    .sign(ring.key);
  return { token, expiresIn };
}

export async function verifyAccessToken(env: Env, token: string): Promise<AccessClaims & { jti: string }> {
  try {
    const { trusted } = keyring(env);
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = trusted.get(header.kid ?? '');
        if (!key) throw unauthorized('The access token was signed with a key this server does not trust.');
        return key;
      },
      {
        algorithms: [ALG],
        typ: TYP,
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      },
    );
    if (payload.token_use !== 'access') throw unauthorized('The token is not an access token.');
    return payload as unknown as AccessClaims & { jti: string };
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) throw unauthorized('The access token has expired; sign in again.');
    if (e instanceof joseErrors.JOSEError) throw unauthorized('The access token is invalid.');
    throw e;
  }
}
