// The tamper-evident audit chain as pure functions: canonical JSON, entry hashes, checkpoint signatures, and the
// verifier over rows held in memory. The vectors were computed outside this code (coreutils sha256sum, Node's
// crypto.sign) and pasted here.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ChainVerifier,
  GENESIS_HASH,
  canonicalJson,
  chainEntryOf,
  checkpointMessage,
  checkpointSignatureValid,
  entryHash,
  signCheckpoint,
  verifyChain,
  type ChainHead,
  type Checkpoint,
  type CheckpointPayload,
  type StoredEntry,
  type VerifierOptions,
} from '../../worker/platform/audit/chain';
import { DEV_AUDIT_KEY_ID, checkpointSigner, checkpointVerifiers } from '../../worker/platform/audit/signing';

const ENTRY_1 = {
  id: 1,
  ts: '2026-01-02T03:04:05.678Z',
  actor_id: 7,
  actor: 'ops.lead',
  action: 'update',
  entity_type: 'server',
  entity_id: '42',
  before: { u_position: 3, tags: ['b', 'a'], status: 'active' },
  after: { u_position: 3, status: 'maintenance', power: 1.5, note: 'é"\n' },
  request_id: 'req-123',
  client_ip: null,
};
const ENTRY_2 = {
  id: 2,
  ts: '2026-01-02T03:04:06.000Z',
  actor_id: 1,
  actor: 'admin',
  action: 'login',
  entity_type: 'session',
  entity_id: '1',
  before: null,
  after: null,
  request_id: null,
  client_ip: '10.0.0.1',
};
// printf '%s%s' "$(printf '0%.0s' $(seq 64))" "<CANONICAL_1>" | sha256sum
const CANONICAL_1 =
  '{"action":"update","actor":"ops.lead","actor_id":7,"after":{"note":"é\\"\\n","power":1.5,"status":"maintenance",' +
  '"u_position":3},"before":{"status":"active","tags":["b","a"],"u_position":3},"client_ip":null,"entity_id":"42",' +
  '"entity_type":"server","id":1,"request_id":"req-123","ts":"2026-01-02T03:04:05.678Z"}';
const HASH_1 = '6deb1fc862ceb360c37dd9bf6f8d36f371dad5bf55ea47787d068c0605047c8c';
const HASH_2 = 'edf941768fb2603eaf373cfa5795e4d75eaa4832e47a1455af002a25fcd95ff1';
// Node: crypto.sign(null, Buffer.from(message), <the dev JWK of wrangler.toml>).toString('base64url')
const CHECKPOINT: CheckpointPayload = {
  last_entry_id: 2,
  entry_count: 2,
  head_hash: HASH_2,
  created_at: '2026-01-02T03:05:00.000Z',
  key_id: 'dev-audit-1',
};
const CHECKPOINT_SIGNATURE = 'p71NUnBCtBknh09xYHY8Rn_7_OXgPiq4VHN-VuC0mtgVLsgTQu9jibY25gb2aYCH-DjQsbDaLTOJBfpNFCFtDQ';

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order, writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson(ENTRY_1)).toBe(CANONICAL_1);
  });

  it('writes numbers and strings as JavaScript does (RFC 8785)', () => {
    expect(canonicalJson([1.0, 100, 1e21, 1e-7, -0, 0.1 + 0.2, 2 ** 53])).toBe(
      '[1,100,1e+21,1e-7,0,0.30000000000000004,9007199254740992]',
    );
    expect(canonicalJson('tab\t "quote" \\ \u0001 €')).toBe('"tab\\t \\"quote\\" \\\\ \\u0001 €"');
    expect(canonicalJson(true)).toBe('true');
  });

  it('drops undefined members, writes undefined array items as null, refuses what JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
    expect(() => canonicalJson(NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ x: Infinity })).toThrow(TypeError);
    expect(() => canonicalJson(() => 1)).toThrow(TypeError);
  });

  it('sorts keys by UTF-16 code units, not by locale', () => {
    expect(canonicalJson({ é: 1, z: 2, Z: 3, a: 4 })).toBe('{"Z":3,"a":4,"z":2,"é":1}');
  });
});

describe('entryHash', () => {
  it('matches the independently computed vector, chained from 64 zeros', async () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(await entryHash(GENESIS_HASH, ENTRY_1)).toBe(HASH_1);
    expect(await entryHash(HASH_1, ENTRY_2)).toBe(HASH_2);
  });

  it('covers exactly the entry fields: extra columns are ignored, missing ones count as null', async () => {
    expect(await entryHash(GENESIS_HASH, { ...ENTRY_1, prev_hash: 'x', hash: 'y', extra: 1 })).toBe(HASH_1);
    const { client_ip: _, ...withoutIp } = ENTRY_1;
    expect(await entryHash(GENESIS_HASH, withoutIp)).toBe(HASH_1);
  });

  it('changes with any field and with the previous hash', async () => {
    expect(await entryHash(GENESIS_HASH, { ...ENTRY_1, actor: 'admin' })).not.toBe(HASH_1);
    expect(await entryHash(GENESIS_HASH, { ...ENTRY_1, after: { ...ENTRY_1.after, power: 1.6 } })).not.toBe(HASH_1);
    expect(await entryHash(HASH_2, ENTRY_1)).not.toBe(HASH_1);
  });

  it('hashes a stored row by its JSON values, not by how the JSON text is spelled', async () => {
    const stored = {
      ...ENTRY_1,
      before: '{"u_position": 3, "status": "active", "tags": ["b", "a"]}',
      after: JSON.stringify(ENTRY_1.after),
      prev_hash: GENESIS_HASH,
      hash: HASH_1,
    };
    expect(chainEntryOf(stored)).toEqual(ENTRY_1);
    expect(await entryHash(GENESIS_HASH, chainEntryOf(stored))).toBe(HASH_1);
    // text that is not JSON any more is hashed as text: the entry no longer verifies, nothing throws
    expect(await entryHash(GENESIS_HASH, chainEntryOf({ ...stored, after: '{broken' }))).not.toBe(HASH_1);
  });
});

describe('checkpoint signatures (Ed25519)', () => {
  let keys: Map<string, CryptoKey>;
  beforeAll(async () => {
    keys = (await checkpointVerifiers(env)).keys;
  });

  it('sign the canonical JSON of the payload; the signature matches the one computed by Node', async () => {
    expect(checkpointMessage(CHECKPOINT)).toBe(
      `{"created_at":"2026-01-02T03:05:00.000Z","entry_count":2,"head_hash":"${HASH_2}","key_id":"dev-audit-1","last_entry_id":2}`,
    );
    const { keyId, privateKey } = await checkpointSigner(env);
    expect(keyId).toBe(DEV_AUDIT_KEY_ID);
    // Ed25519 is deterministic: same key, same message, same signature
    expect(await signCheckpoint(privateKey, CHECKPOINT)).toBe(CHECKPOINT_SIGNATURE);
    const pub = keys.get(DEV_AUDIT_KEY_ID)!;
    expect(await checkpointSignatureValid(pub, { ...CHECKPOINT, id: 1, signature: CHECKPOINT_SIGNATURE })).toBe(true);
  });

  it('reject any change of the payload and any malformed signature', async () => {
    const pub = keys.get(DEV_AUDIT_KEY_ID)!;
    const cp = { ...CHECKPOINT, id: 1, signature: CHECKPOINT_SIGNATURE };
    expect(await checkpointSignatureValid(pub, { ...cp, entry_count: 1 })).toBe(false);
    expect(await checkpointSignatureValid(pub, { ...cp, head_hash: HASH_1 })).toBe(false);
    expect(await checkpointSignatureValid(pub, { ...cp, created_at: '2026-01-02T03:05:00.001Z' })).toBe(false);
    expect(await checkpointSignatureValid(pub, { ...cp, signature: 'not base64!' })).toBe(false);
    expect(await checkpointSignatureValid(pub, { ...cp, signature: CHECKPOINT_SIGNATURE.slice(0, 40) })).toBe(false);
  });

  it('in production the development key neither signs nor is trusted', async () => {
    const production = { ...env, ENVIRONMENT: 'production' };
    await expect(checkpointSigner(production)).rejects.toThrow(/AUDIT_SIGNING_KEY/);
    const { keys: prodKeys, refusedKeys } = await checkpointVerifiers(production);
    expect(prodKeys.size).toBe(0);
    expect(refusedKeys.has(DEV_AUDIT_KEY_ID)).toBe(true);
    await expect(checkpointSigner({ ...env, AUDIT_SIGNING_KEY: undefined })).rejects.toThrow(/AUDIT_SIGNING_KEY/);
    await expect(checkpointSigner({ ...env, AUDIT_SIGNING_KEY: '{"kty":"RSA"}' })).rejects.toThrow(/Ed25519/);

    // a key of one's own is accepted in production
    const pair = (await crypto.subtle.generateKey('Ed25519', true, ['sign', 'verify'])) as CryptoKeyPair;
    const jwk = { ...((await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey), kid: 'prod-2026' };
    const own = { ...production, AUDIT_SIGNING_KEY: JSON.stringify(jwk) };
    const signer = await checkpointSigner(own);
    expect(signer.keyId).toBe('prod-2026');
    const signature = await signCheckpoint(signer.privateKey, { ...CHECKPOINT, key_id: 'prod-2026' });
    const verifier = (await checkpointVerifiers(own)).keys.get('prod-2026')!;
    expect(await checkpointSignatureValid(verifier, { ...CHECKPOINT, key_id: 'prod-2026', id: 1, signature })).toBe(
      true,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The verifier over a chain built in memory

function entry(id: number): Record<string, unknown> {
  return {
    id,
    ts: `2026-01-02T03:04:${String(id % 60).padStart(2, '0')}.000Z`,
    actor_id: 1,
    actor: 'admin',
    action: 'create',
    entity_type: 'server',
    entity_id: String(id),
    before: null,
    after: JSON.stringify({ id, name: `SRV-${id}` }),
    request_id: `req-${id}`,
    client_ip: null,
  };
}

/** Rows 1..n as the sealer would leave them. */
async function sealedRows(n: number): Promise<StoredEntry[]> {
  const rows: StoredEntry[] = [];
  let prev = GENESIS_HASH;
  for (let id = 1; id <= n; id++) {
    const e = entry(id);
    const hash = await entryHash(prev, chainEntryOf(e));
    rows.push({ ...e, id, prev_hash: prev, hash });
    prev = hash;
  }
  return rows;
}

describe('verifyChain', () => {
  let opts: VerifierOptions;
  let sign: (rows: StoredEntry[], lastId: number, id: number) => Promise<Checkpoint>;
  beforeAll(async () => {
    opts = await checkpointVerifiers(env);
    const { keyId, privateKey } = await checkpointSigner(env);
    sign = async (rows, lastId, id) => {
      const payload: CheckpointPayload = {
        last_entry_id: lastId,
        entry_count: rows.filter((r) => r.id <= lastId).length,
        head_hash: rows.find((r) => r.id === lastId)!.hash!,
        created_at: '2026-01-02T04:00:00.000Z',
        key_id: keyId,
      };
      return { ...payload, id, signature: await signCheckpoint(privateKey, payload) };
    };
  });

  it('an intact chain with checkpoints is ok over its whole range', async () => {
    const rows = await sealedRows(12);
    const cps = [await sign(rows, 5, 1), await sign(rows, 12, 2)];
    const head: ChainHead = { last_id: 12, count: 12, hash: rows[11].hash! };
    expect(await verifyChain(rows, cps, { ...opts, head })).toEqual({
      ok: true,
      checked: { from_id: 1, to_id: 12, entries: 12 },
      unsealed: 0,
      head_hash: rows[11].hash,
      first_broken: null,
      checkpoints: { checked: 2, valid: 2, problems: [] },
    });
    expect(await verifyChain([], [], opts)).toMatchObject({
      ok: true,
      checked: { from_id: null, to_id: null, entries: 0 },
      head_hash: GENESIS_HASH,
    });
  });

  it('an edited entry is named by its own id; the links after it still hold', async () => {
    const rows = await sealedRows(10);
    rows[6] = { ...rows[6], actor: 'someone-else' };
    const r = await verifyChain(rows, [], opts);
    expect(r.ok).toBe(false);
    expect(r.first_broken).toEqual({
      id: 7,
      reason: 'hash_mismatch',
      expected: await entryHash(rows[5].hash!, chainEntryOf(rows[6])),
      stored: rows[6].hash,
    });
    expect(r.checked).toEqual({ from_id: 1, to_id: 10, entries: 10 });
  });

  it('an edited entry whose hash was recomputed breaks the next link', async () => {
    const rows = await sealedRows(10);
    const forged = { ...rows[3], after: JSON.stringify({ id: 4, name: 'FORGED' }) };
    forged.hash = await entryHash(forged.prev_hash!, chainEntryOf(forged));
    rows[3] = forged;
    const r = await verifyChain(rows, [], opts);
    expect(r.first_broken).toEqual({
      id: 5,
      reason: 'prev_hash_mismatch',
      expected: forged.hash,
      stored: rows[4].prev_hash,
    });
  });

  it('a deleted entry is missing_entry, with its hash when a single one is gone', async () => {
    const rows = await sealedRows(10);
    const r1 = await verifyChain([...rows.slice(0, 4), ...rows.slice(5)], [], opts);
    expect(r1.first_broken).toEqual({ id: 5, reason: 'missing_entry', expected: rows[4].hash, stored: null });
    const r2 = await verifyChain([...rows.slice(0, 4), ...rows.slice(7)], [], opts);
    expect(r2.first_broken).toEqual({ id: 5, reason: 'missing_entry', expected: null, stored: null });
    // the first entries: the chain no longer starts at the genesis hash
    const r3 = await verifyChain(rows.slice(1), [], opts);
    expect(r3.first_broken).toEqual({ id: 1, reason: 'missing_entry', expected: rows[0].hash, stored: null });
  });

  it('checkpoints catch a truncated tail and deleted entries, also when the chain itself still links', async () => {
    const rows = await sealedRows(10);
    const cps = [await sign(rows, 4, 1), await sign(rows, 8, 2)];
    // cut 7..10: the chain 1..6 is intact, checkpoint 2 names entry 8
    const cut = await verifyChain(rows.slice(0, 6), cps, opts);
    expect(cut.first_broken).toBeNull();
    expect(cut.ok).toBe(false);
    expect(cut.checkpoints).toEqual({
      checked: 2,
      valid: 1,
      problems: [{ checkpoint_id: 2, reason: 'truncated', detail: expect.stringContaining('entry 8') }],
    });
    // with the sealer's head the cut is also a broken chain
    const head = { last_id: 10, count: 10, hash: rows[9].hash! };
    expect((await verifyChain(rows.slice(0, 6), cps, { ...opts, head })).first_broken).toEqual({
      id: 7,
      reason: 'missing_entry',
      expected: null,
      stored: null,
    });
    const lastOnly = await verifyChain(rows.slice(0, 9), [], { ...opts, head });
    expect(lastOnly.first_broken).toEqual({ id: 10, reason: 'missing_entry', expected: rows[9].hash, stored: null });

    // entry 2 deleted and the chain re-linked and re-hashed from there: only the checkpoints notice
    const relinked = await sealedRows(10);
    relinked.splice(1, 1);
    let prev = relinked[0].hash!;
    for (const r of relinked.slice(1)) {
      r.prev_hash = prev;
      r.hash = await entryHash(prev, chainEntryOf(r));
      prev = r.hash;
    }
    const rewritten = await verifyChain(relinked, cps, opts);
    expect(rewritten.first_broken).toBeNull();
    expect(rewritten.checkpoints.problems).toEqual([
      { checkpoint_id: 1, reason: 'head_mismatch', detail: expect.any(String) },
      { checkpoint_id: 1, reason: 'entries_deleted', detail: expect.stringContaining('1 of the 4') },
      { checkpoint_id: 2, reason: 'head_mismatch', detail: expect.any(String) },
      { checkpoint_id: 2, reason: 'entries_deleted', detail: expect.stringContaining('1 of the 8') },
    ]);
    expect(rewritten.checkpoints.valid).toBe(0);

    // the checkpoint's own entry deleted while later ones remain
    const noHead = await verifyChain(
      rows.filter((r) => r.id !== 8),
      cps,
      opts,
    );
    expect(noHead.checkpoints.problems).toEqual([
      { checkpoint_id: 2, reason: 'entries_deleted', detail: expect.stringContaining('entry 8') },
    ]);
  });

  it('a forged or foreign signature is bad_signature; an unknown key id is unknown_key', async () => {
    const rows = await sealedRows(6);
    const good = await sign(rows, 6, 1);
    const other = (await crypto.subtle.generateKey('Ed25519', false, ['sign', 'verify'])) as CryptoKeyPair;
    const foreign = { ...good, id: 3, signature: await signCheckpoint(other.privateKey, good) };
    const r = await verifyChain(
      rows,
      [good, { ...good, id: 2, entry_count: 5 }, foreign, { ...good, id: 4, key_id: 'retired-key' }],
      opts,
    );
    expect(r.first_broken).toBeNull();
    expect(r.checkpoints.valid).toBe(1);
    expect(r.checkpoints.problems).toEqual([
      { checkpoint_id: 2, reason: 'bad_signature', detail: expect.stringContaining('does not match') },
      { checkpoint_id: 2, reason: 'head_mismatch', detail: expect.stringContaining('entries were inserted') },
      { checkpoint_id: 3, reason: 'bad_signature', detail: expect.stringContaining('does not match') },
      { checkpoint_id: 4, reason: 'unknown_key', detail: expect.stringContaining('"retired-key"') },
    ]);
  });

  it('unsealed entries at the tail are pending; an unsealed entry followed by sealed ones is broken', async () => {
    const rows = await sealedRows(8);
    const pending = rows.map((r) => (r.id > 6 ? { ...r, prev_hash: null, hash: null } : r));
    expect(await verifyChain(pending, [], opts)).toMatchObject({
      ok: true,
      unsealed: 2,
      checked: { from_id: 1, to_id: 6, entries: 6 },
      head_hash: rows[5].hash,
    });
    const erased = rows.map((r) => (r.id === 3 ? { ...r, hash: null } : r));
    expect((await verifyChain(erased, [], opts)).first_broken).toEqual({
      id: 3,
      reason: 'hash_mismatch',
      expected: rows[2].hash,
      stored: null,
    });
  });

  it('gives the same answer however the rows are paged', async () => {
    const rows = await sealedRows(23);
    rows[16] = { ...rows[16], action: 'delete' };
    rows.splice(20, 1);
    const cps = [await sign(await sealedRows(23), 9, 1), await sign(await sealedRows(23), 21, 2)];
    const whole = await verifyChain(rows, cps, opts);
    expect(whole.first_broken?.id).toBe(17);
    for (const size of [1, 4, 9, 50]) {
      const v = new ChainVerifier(opts);
      const pending = [...cps];
      for (let i = 0; i < rows.length; i += size) {
        const page = rows.slice(i, i + size);
        const upTo = i + size >= rows.length ? Infinity : page[page.length - 1].id;
        const due = pending.filter((c) => c.last_entry_id <= upTo);
        pending.splice(0, due.length);
        await v.checkpoints(due);
        await v.entries(page);
      }
      expect(v.finish(), `page size ${size}`).toEqual(whole);
    }
  });
});
