import type { Actor } from '../context';
import type { Env } from '../../env';

/**
 * Access tokens this isolate has verified, with the actor they resolved to. A hit skips the signature check and
 * lets a read-only request re-check the account in its own D1 batch (see `authenticate`); it never skips the
 * re-check itself, so a disabled account, a new role or a revoked session still apply to the very next request.
 */
interface Entry {
  actor: Actor;
  /** the token's `exp`, in ms */
  expiresAt: number;
}

const MAX_ENTRIES = 1000;
const entries = new Map<string, Entry>();

// the keyring is part of the key: a token verified under one set of secrets proves nothing under another
const keyOf = (env: Env, token: string) =>
  `${env.JWT_KID ?? ''}\u0000${env.JWT_SECRET ?? ''}\u0000${env.JWT_PREVIOUS_KEYS ?? ''}\u0000${token}`;

export function cachedActor(env: Env, token: string, now = Date.now()): Actor | undefined {
  const key = keyOf(env, token);
  const hit = entries.get(key);
  if (!hit) return undefined;
  if (hit.expiresAt <= now) {
    entries.delete(key);
    return undefined;
  }
  return hit.actor;
}

export function rememberActor(env: Env, token: string, actor: Actor, expiresAt: number): void {
  const key = keyOf(env, token);
  entries.delete(key); // re-insert: Map order is recency order
  entries.set(key, { actor, expiresAt });
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
}

export function forgetActor(env: Env, token: string): void {
  entries.delete(keyOf(env, token));
}
