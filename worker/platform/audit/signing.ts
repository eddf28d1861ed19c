import { isProduction, type Env } from '../../env';

/** A secret: wrangler.toml carries a development key, a production deployment may lack one. */
type SigningEnv = Pick<Env, 'ENVIRONMENT'> & { AUDIT_SIGNING_KEY?: string };

/**
 * The checkpoint signing key: AUDIT_SIGNING_KEY is an Ed25519 private JWK (`kty: OKP, crv: Ed25519, d, x, kid`)
 * as a JSON string. wrangler.toml carries a development key whose private half is public; production must set
 * its own with `wrangler secret put AUDIT_SIGNING_KEY`, and the Worker refuses to sign with the development key
 * (and does not trust checkpoints signed with it) when ENVIRONMENT = "production".
 */
export const DEV_AUDIT_KEY_ID = 'dev-audit-1';
const DEV_AUDIT_KEY_X = 'u4PFpNtBUB-M9JETD374BjgCVShHCX2Bf4VYz7C07aE';

interface Ed25519Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  d?: string;
  kid: string;
}

function parseJwk(env: SigningEnv): Ed25519Jwk {
  const raw = env.AUDIT_SIGNING_KEY;
  if (!raw) throw new Error('AUDIT_SIGNING_KEY is not set (an Ed25519 private JWK with a "kid")');
  let jwk: Partial<Ed25519Jwk>;
  try {
    jwk = JSON.parse(raw);
  } catch {
    throw new Error('AUDIT_SIGNING_KEY is not valid JSON (an Ed25519 private JWK with a "kid")');
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || !jwk.kid) {
    throw new Error('AUDIT_SIGNING_KEY must be an Ed25519 JWK (kty "OKP", crv "Ed25519") with "x" and "kid"');
  }
  return jwk as Ed25519Jwk;
}

const isDevKey = (jwk: Ed25519Jwk) => jwk.kid === DEV_AUDIT_KEY_ID || jwk.x === DEV_AUDIT_KEY_X;

/** The private key that signs checkpoints, with its key id. Throws in production when it is the dev key. */
export async function checkpointSigner(env: SigningEnv): Promise<{ keyId: string; privateKey: CryptoKey }> {
  const jwk = parseJwk(env);
  if (!jwk.d) throw new Error('AUDIT_SIGNING_KEY has no private part ("d")');
  if (isProduction(env) && isDevKey(jwk)) {
    throw new Error('AUDIT_SIGNING_KEY must be set to a key of your own in production (wrangler secret put)');
  }
  const { kty, crv, x, d } = jwk;
  const privateKey = await crypto.subtle.importKey('jwk', { kty, crv, x, d }, 'Ed25519', false, ['sign']);
  return { keyId: jwk.kid, privateKey };
}

/**
 * Public keys that verify checkpoints, by key id: derived from the configured JWK's `x`. In production the
 * development key is refused rather than trusted (anyone can sign with it).
 */
export async function checkpointVerifiers(
  env: SigningEnv,
): Promise<{ keys: Map<string, CryptoKey>; refusedKeys: Map<string, string> }> {
  const keys = new Map<string, CryptoKey>();
  const refusedKeys = new Map<string, string>();
  if (isProduction(env)) refusedKeys.set(DEV_AUDIT_KEY_ID, 'it is the development key, public in the repository');
  let jwk: Ed25519Jwk;
  try {
    jwk = parseJwk(env);
  } catch (e) {
    // without a key every checkpoint reports bad_signature, naming its key id; the chain itself still verifies
    console.error('audit checkpoints cannot be verified:', (e as Error).message);
    return { keys, refusedKeys };
  }
  if (isProduction(env) && isDevKey(jwk)) return { keys, refusedKeys };
  const publicKey = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, 'Ed25519', true, [
    'verify',
  ]);
  keys.set(jwk.kid, publicKey);
  return { keys, refusedKeys };
}
