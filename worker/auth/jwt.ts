import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { isProduction, type Env } from '../env';
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

function key(env: Env): Uint8Array {
  const secret = env.JWT_SECRET ?? (isProduction(env) ? '' : DEV_SECRET);
  if (isProduction(env) && (secret.length < 32 || secret === DEV_SECRET)) {
    throw new Error('JWT_SECRET must be set to a random value of at least 32 characters in production');
  }
  return new TextEncoder().encode(secret);
}

export const accessTokenTtlSeconds = (env: Env) => {
  const minutes = Number(env.ACCESS_TOKEN_EXPIRE_MINUTES ?? 30);
  return Math.round((Number.isFinite(minutes) && minutes > 0 ? minutes : 30) * 60);
};

export async function signAccessToken(env: Env, claims: AccessClaims): Promise<{ token: string; expiresIn: number }> {
  const expiresIn = accessTokenTtlSeconds(env);
  const { sub, ...rest } = claims;
  const token = await new SignJWT({ ...rest, token_use: 'access' })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${expiresIn}s`)
    .setJti(crypto.randomUUID())
    .sign(key(env));
  return { token, expiresIn };
}

export async function verifyAccessToken(env: Env, token: string): Promise<AccessClaims & { jti: string }> {
  try {
    const { payload } = await jwtVerify(token, key(env), {
      algorithms: [ALG],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['sub', 'exp', 'iat', 'jti'],
    });
    if (payload.token_use !== 'access') throw unauthorized('The token is not an access token.');
    return payload as unknown as AccessClaims & { jti: string };
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) throw unauthorized('The access token has expired; sign in again.');
    if (e instanceof joseErrors.JOSEError) throw unauthorized('The access token is invalid.');
    throw e;
  }
}
