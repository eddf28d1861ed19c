import { isProduction, type Env } from '../../env';

/** A secret: wrangler.toml carries a development key, a production deployment may lack one. */
type SigningEnv = Pick<Env, 'ENVIRONMENT' | 'AUDIT_PREVIOUS_PUBLIC_KEYS'> & { AUDIT_SIGNING_KEY?: string };

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
 * AUDIT_PREVIOUS_PUBLIC_KEYS: retired signing keys, as a JSON array of Ed25519 public JWKs with "kid". They come
 * from configuration on purpose, never from the database: checkpoints exist to detect a database changed behind
 * the API's back, and whoever can do that could also plant a key of their own there. Entries that do not parse
 * are logged and skipped, so one bad entry does not make every checkpoint unverifiable.
 */
function previousPublicJwks(env: SigningEnv): Ed25519Jwk[] {
  if (!env.AUDIT_PREVIOUS_PUBLIC_KEYS?.trim()) return [];
  let list: unknown;
  try {
    list = JSON.parse(env.AUDIT_PREVIOUS_PUBLIC_KEYS);
  } catch {
    console.error('AUDIT_PREVIOUS_PUBLIC_KEYS is not valid JSON (an array of Ed25519 public JWKs with "kid")');
    return [];
  }
  if (!Array.isArray(list)) {
    console.error('AUDIT_PREVIOUS_PUBLIC_KEYS must be a JSON array of Ed25519 public JWKs with "kid"');
    return [];
  }
  return list.filter((jwk: Partial<Ed25519Jwk>, i): jwk is Ed25519Jwk => {
    const ok = jwk?.kty === 'OKP' && jwk.crv === 'Ed25519' && typeof jwk.x === 'string' && !!jwk.kid;
    if (!ok) console.error(`AUDIT_PREVIOUS_PUBLIC_KEYS[${i}] is not an Ed25519 public JWK with "x" and "kid"; ignored`);
    return ok;
  });
}

const importPublic = (jwk: Ed25519Jwk) =>
  crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, 'Ed25519', true, ['verify']);

/**
 * Public keys that verify checkpoints, by key id: the configured signing key's `x`, then the retired keys of
 * AUDIT_PREVIOUS_PUBLIC_KEYS. In production the development key is refused rather than trusted (anyone can sign
 * with it), whichever list names it.
 */
export async function checkpointVerifiers(
  env: SigningEnv,
): Promise<{ keys: Map<string, CryptoKey>; refusedKeys: Map<string, string> }> {
  const keys = new Map<string, CryptoKey>();
  const refusedKeys = new Map<string, string>();
  const trusted: Ed25519Jwk[] = [];
  if (isProduction(env)) refusedKeys.set(DEV_AUDIT_KEY_ID, 'it is the development key, public in the repository');
  try {
    trusted.push(parseJwk(env));
  } catch (e) {
    // without a key, checkpoints by the current key report unknown_key, naming its key id; the chain still verifies
    console.error('audit checkpoints cannot be verified:', (e as Error).message);
  }
  trusted.push(...previousPublicJwks(env));
  for (const jwk of trusted) {
    if (isProduction(env) && isDevKey(jwk)) continue;
    // the current key wins over a retired entry reusing its kid
    if (!keys.has(jwk.kid)) keys.set(jwk.kid, await importPublic(jwk));
  }
  return { keys, refusedKeys };
}
