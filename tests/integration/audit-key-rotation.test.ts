// Rotating the checkpoint signing key: checkpoints signed before the rotation keep verifying when the retired
// public key is listed in AUDIT_PREVIOUS_PUBLIC_KEYS; a key id nobody configured is `unknown_key`, a signature
// that does not match is `bad_signature`.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { signCheckpoint } from '../../worker/platform/audit/chain';
import { createCheckpoint } from '../../worker/platform/audit/checkpoints';
import { verifyAuditTrail } from '../../worker/platform/audit/verify';
import { createDb } from '../../worker/platform/db/client';
import type { ServiceContext } from '../../worker/platform/context';
import type { Env } from '../../worker/env';
import { adminToken, createDatacenter } from '../helpers';

const ctxFor = (e: Env): ServiceContext => ({
  db: createDb(env.DB),
  env: e,
  actor: null,
  requestId: 'test-key-rotation',
  clientIp: null,
});

async function ed25519Jwks(kid: string) {
  const pair = (await crypto.subtle.generateKey('Ed25519', true, ['sign', 'verify'])) as CryptoKeyPair;
  const priv = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  return {
    privateJwk: JSON.stringify({ ...priv, kid }),
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x: priv.x, kid },
    privateKey: pair.privateKey,
  };
}

const problemsOf = async (e: Env, checkpointId: number) =>
  (await verifyAuditTrail(ctxFor(e))).checkpoints.problems.filter((p) => p.checkpoint_id === checkpointId);

let retired: Awaited<ReturnType<typeof ed25519Jwks>>;
let oldCheckpointId: number;

beforeAll(async () => {
  await createDatacenter(await adminToken());
  // the past: the key "retired-1" signed a checkpoint, then the Worker moved on to the configured key
  retired = await ed25519Jwks('retired-1');
  const cp = await createCheckpoint(ctxFor({ ...env, AUDIT_SIGNING_KEY: retired.privateJwk }), { audit: false });
  oldCheckpointId = cp!.id;
  expect(cp!.key_id).toBe('retired-1');
});

describe('checkpoints signed by a retired key', () => {
  it('verify as valid when the retired public key is configured', async () => {
    const withRetired = { ...env, AUDIT_PREVIOUS_PUBLIC_KEYS: JSON.stringify([retired.publicJwk]) };
    // a new checkpoint by the current key as well: both keys verify side by side
    await createDatacenter(await adminToken());
    const current = await createCheckpoint(ctxFor(withRetired), { audit: false });
    expect(current!.key_id).not.toBe('retired-1');
    const r = await verifyAuditTrail(ctxFor(withRetired));
    expect(r.checkpoints.problems).toEqual([]);
    expect(r.checkpoints.valid).toBe(r.checkpoints.checked);
    expect(r.ok).toBe(true);
  });

  it('report unknown_key (not bad_signature) when the key is not configured', async () => {
    expect(await problemsOf(env, oldCheckpointId)).toEqual([
      { checkpoint_id: oldCheckpointId, reason: 'unknown_key', detail: expect.stringContaining('"retired-1"') },
    ]);
  });

  it('a checkpoint claiming a retired kid but signed by another key is bad_signature', async () => {
    const cp = (await env.DB.prepare('SELECT * FROM audit_checkpoints WHERE id = ?')
      .bind(oldCheckpointId)
      .first()) as Record<string, any>;
    const impostor = await ed25519Jwks('retired-1');
    const forged = await env.DB.prepare(
      'INSERT INTO audit_checkpoints (last_entry_id, entry_count, head_hash, created_at, key_id, signature) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
    )
      .bind(
        cp.last_entry_id,
        cp.entry_count,
        cp.head_hash,
        cp.created_at,
        'retired-1',
        await signCheckpoint(impostor.privateKey, cp as never),
      )
      .first<{ id: number }>();
    const withRetired = { ...env, AUDIT_PREVIOUS_PUBLIC_KEYS: JSON.stringify([retired.publicJwk]) };
    expect(await problemsOf(withRetired, forged!.id)).toEqual([
      { checkpoint_id: forged!.id, reason: 'bad_signature', detail: expect.stringContaining('does not match') },
    ]);
    await env.DB.prepare('DELETE FROM audit_checkpoints WHERE id = ?').bind(forged!.id).run();
  });

  it('a malformed AUDIT_PREVIOUS_PUBLIC_KEYS entry is skipped, the others still count', async () => {
    const list = JSON.stringify([{ kty: 'RSA', kid: 'nope' }, retired.publicJwk]);
    expect(await problemsOf({ ...env, AUDIT_PREVIOUS_PUBLIC_KEYS: list }, oldCheckpointId)).toEqual([]);
    expect(await problemsOf({ ...env, AUDIT_PREVIOUS_PUBLIC_KEYS: 'not json' }, oldCheckpointId)).toMatchObject([
      { reason: 'unknown_key' },
    ]);
  });

  it('in production the development key is refused even when listed as a retired key', async () => {
    const devJwk = JSON.parse(env.AUDIT_SIGNING_KEY!);
    const devPublic = { kty: devJwk.kty, crv: devJwk.crv, x: devJwk.x, kid: devJwk.kid };
    const production = {
      ...env,
      ENVIRONMENT: 'production',
      AUDIT_SIGNING_KEY: retired.privateJwk,
      AUDIT_PREVIOUS_PUBLIC_KEYS: JSON.stringify([devPublic]),
    };
    const r = await verifyAuditTrail(ctxFor(production));
    const byDevKey = (
      await env.DB.prepare('SELECT id FROM audit_checkpoints WHERE key_id = ?').bind(devJwk.kid).all<{
        id: number;
      }>()
    ).results.map((c) => c.id);
    expect(byDevKey.length).toBeGreaterThan(0);
    for (const id of byDevKey) {
      expect(r.checkpoints.problems).toContainEqual({
        checkpoint_id: id,
        reason: 'bad_signature',
        detail: expect.stringContaining('development key'),
      });
    }
    expect(r.checkpoints.problems.map((p) => p.checkpoint_id)).not.toContain(oldCheckpointId);
  });
});
