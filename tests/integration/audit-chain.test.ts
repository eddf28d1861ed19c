// The tamper-evident audit chain end to end: entries written with their changes, sealed by the AuditChain
// Durable Object, verified by GET /api/audit/verify, checkpoints signed by the API and by the Cron Trigger.
// Tampering is done the way an attacker with database access would: straight through env.DB, behind the API.
// Each test that breaks the trail puts it back, so the next one starts from an intact chain.
import { env } from 'cloudflare:workers';
import {
  createExecutionContext,
  createScheduledController,
  evictDurableObject,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../worker/index';
import {
  GENESIS_HASH,
  chainEntryOf,
  checkpointSignatureValid,
  entryHash,
  signCheckpoint,
  type Checkpoint,
} from '../../worker/platform/audit/chain';
import { AUDIT_CHAIN_NAME, sealAuditChain } from '../../worker/platform/audit/chain-client';
import { checkpointVerifiers } from '../../worker/platform/audit/signing';
import { verifyAuditTrail } from '../../worker/platform/audit/verify';
import { createDb } from '../../worker/platform/db/client';
import type { ServiceContext } from '../../worker/platform/context';
import {
  adminToken,
  api,
  asRole,
  countRows,
  createDatacenter,
  createRack,
  datacenterBody,
  expectProblem,
  type Row,
} from '../helpers';

interface ChainRow {
  id: number;
  actor: string;
  after: string | null;
  prev_hash: string | null;
  hash: string | null;
  [k: string]: unknown;
}

let admin: string;
let auditor: string;
let operator: string;

/** Audit rows straight from D1, hashes included: `clause` is everything after FROM audit_log. */
const chainRows = async (clause = 'ORDER BY id', ...binds: unknown[]) =>
  (
    await env.DB.prepare(`SELECT * FROM audit_log ${clause}`)
      .bind(...binds)
      .all<ChainRow>()
  ).results;
const maxId = async () => (await env.DB.prepare('SELECT max(id) AS n FROM audit_log').first<{ n: number }>())!.n;

async function verify(token = auditor) {
  const res = await api('/api/audit/verify', { token });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function expectIntact() {
  const r = await verify();
  expect(r, JSON.stringify(r)).toMatchObject({ ok: true, first_broken: null, unsealed: 0 });
  expect(r.checkpoints.problems).toEqual([]);
  return r;
}

/** Delete rows behind the API's back; returns a function that puts them back exactly as they were. */
async function deleteRows(where: string, ...binds: unknown[]): Promise<() => Promise<void>> {
  const saved = await chainRows(`WHERE ${where} ORDER BY id`, ...binds);
  expect(saved.length).toBeGreaterThan(0);
  await env.DB.prepare(`DELETE FROM audit_log WHERE ${where}`)
    .bind(...binds)
    .run();
  return async () => {
    for (const row of saved) {
      const cols = Object.keys(row);
      await env.DB.prepare(`INSERT INTO audit_log (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`)
        .bind(...cols.map((c) => row[c]))
        .run();
    }
  };
}

const newCheckpoint = async () => {
  const res = await api('/api/audit/checkpoints', { method: 'POST', token: admin });
  expect(res.status, res.text).toBe(201);
  return res.body as Checkpoint;
};

beforeAll(async () => {
  admin = await adminToken();
  auditor = await asRole('auditor', admin);
  operator = await asRole('operator', admin);
  const dc = await createDatacenter(admin, { certifications: ['ISO 27001'] });
  for (let i = 0; i < 3; i++) await createRack(admin, { datacenter_id: dc.id });
  await api(`/api/datacenters/${dc.id}`, { method: 'PATCH', token: admin, json: { location: 'Elsewhere' } });
});

describe('GET /api/audit/verify', () => {
  it('after API writes, every entry is sealed in id order and the chain verifies over the whole range', async () => {
    const r = await expectIntact();
    const rows = await chainRows();
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(r.checked).toEqual({ from_id: rows[0].id, to_id: rows.at(-1)!.id, entries: rows.length });
    expect(r.head_hash).toBe(rows.at(-1)!.hash);
    expect(r.checkpoints).toEqual({ checked: 0, valid: 0, problems: [] });

    // recomputed here, row by row, from what D1 holds
    let prev = GENESIS_HASH;
    for (const row of rows) {
      expect(row.prev_hash, `entry ${row.id}`).toBe(prev);
      expect(row.hash, `entry ${row.id}`).toBe(await entryHash(prev, chainEntryOf(row)));
      prev = row.hash!;
    }
    // the hashes stay out of the audit log API
    const logs = await api('/api/audit/logs?limit=5', { token: auditor });
    expect(logs.body[0]).not.toHaveProperty('hash');
  });

  it('is for admins and auditors only', async () => {
    expect((await api('/api/audit/verify', { token: admin })).status).toBe(200);
    expectProblem(await api('/api/audit/verify', { token: operator }), 403);
    expectProblem(await api('/api/audit/verify'), 401);
    expectProblem(await api('/api/audit/checkpoints', { token: operator }), 403);
    expectProblem(await api('/api/audit/checkpoints', { method: 'POST', token: auditor }), 403);
  });

  it('a write is sealed in the background right after its response, without any verify call', async () => {
    const res = await api('/api/datacenters', { token: operator, json: datacenterBody() });
    expect(res.status).toBe(201);
    const requestId = res.headers.get('X-Request-Id');
    let row: ChainRow | undefined;
    for (let i = 0; i < 100; i++) {
      [row] = await chainRows('WHERE request_id = ?', requestId);
      if (row?.hash) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(row?.hash).toMatch(/^[0-9a-f]{64}$/);
    const [before] = await chainRows('WHERE id < ? ORDER BY id DESC LIMIT 1', row!.id);
    expect(row!.prev_hash).toBe(before.hash);
  });

  it('names an entry whose `after` was edited behind the API', async () => {
    await expectIntact();
    const [target] = await chainRows("WHERE entity_type = 'rack' AND action = 'create' ORDER BY id LIMIT 1");
    await env.DB.prepare(`UPDATE audit_log SET after = json_set(after, '$.power_capacity_kw', 999) WHERE id = ?`)
      .bind(target.id)
      .run();
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.first_broken).toEqual({
      id: target.id,
      reason: 'hash_mismatch',
      expected: expect.any(String),
      stored: target.hash,
    });
    // the links after it still hold: only that entry is named, the whole range was checked
    expect(r.checked.to_id).toBe(await maxId());

    await env.DB.prepare('UPDATE audit_log SET after = ? WHERE id = ?').bind(target.after, target.id).run();
    await expectIntact();
  });

  it('names an entry whose actor was edited, even when its hash was recomputed to match', async () => {
    const [target] = await chainRows("WHERE action = 'login' ORDER BY id LIMIT 1");
    await env.DB.prepare('UPDATE audit_log SET actor = ? WHERE id = ?').bind('someone-else', target.id).run();
    expect((await verify()).first_broken).toMatchObject({ id: target.id, reason: 'hash_mismatch' });

    // a careful forger also rewrites the hash: then the next entry no longer links to it
    const [edited] = await chainRows('WHERE id = ?', target.id);
    const forged = await entryHash(edited.prev_hash!, chainEntryOf(edited));
    await env.DB.prepare('UPDATE audit_log SET hash = ? WHERE id = ?').bind(forged, target.id).run();
    const [next] = await chainRows('WHERE id > ? ORDER BY id LIMIT 1', target.id);
    expect((await verify()).first_broken).toEqual({
      id: next.id,
      reason: 'prev_hash_mismatch',
      expected: forged,
      stored: target.hash,
    });

    await env.DB.prepare('UPDATE audit_log SET actor = ?, hash = ? WHERE id = ?')
      .bind(target.actor, target.hash, target.id)
      .run();
    await expectIntact();
  });

  it('names an entry deleted from the middle of the trail', async () => {
    const [target] = await chainRows("WHERE entity_type = 'rack' ORDER BY id DESC LIMIT 1");
    const restore = await deleteRows('id = ?', target.id);
    expect((await verify()).first_broken).toEqual({
      id: target.id,
      reason: 'missing_entry',
      expected: target.hash,
      stored: null,
    });
    await restore();
    await expectIntact();
  });

  it('concurrent writes still make one unbroken chain', async () => {
    const before = await countRows('audit_log');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api('/api/datacenters', { token: i % 2 ? admin : operator, json: datacenterBody() }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    // sealing calls racing each other, too
    const heads = await Promise.all(Array.from({ length: 5 }, () => sealAuditChain(env)));
    expect(new Set(heads.map((h) => h.hash)).size).toBe(1);

    const r = await expectIntact();
    const rows = await chainRows();
    expect(rows.length).toBe(before + 20);
    expect(r.checked.entries).toBe(rows.length);
    // no fork: every hash is the prev_hash of exactly the next entry
    const prevs = rows.map((row) => row.prev_hash);
    expect(new Set(prevs).size).toBe(prevs.length);
    expect(heads[0]).toMatchObject({ last_id: rows.at(-1)!.id, count: rows.length, hash: rows.at(-1)!.hash });
  });
});

describe('checkpoints', () => {
  it('POST /api/audit/checkpoints seals and signs (size, head hash); GET lists them', async () => {
    const cp = await newCheckpoint();
    const head = await chainRows('WHERE id = ?', cp.last_entry_id);
    expect(cp).toMatchObject({
      id: expect.any(Number),
      entry_count: await countRows('audit_log', `id <= ${cp.last_entry_id}`),
      head_hash: head[0].hash,
      key_id: 'dev-audit-1',
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    const { keys } = await checkpointVerifiers(env);
    expect(await checkpointSignatureValid(keys.get('dev-audit-1')!, cp)).toBe(true);

    // the checkpoint itself is audited, after the head it signs
    const [audited] = await chainRows("WHERE entity_type = 'audit_checkpoint' AND entity_id = ?", String(cp.id));
    expect(audited).toMatchObject({ action: 'create', id: cp.last_entry_id + 1 });

    const list = await api('/api/audit/checkpoints', { token: auditor });
    expect(list.status).toBe(200);
    expect(list.body[0]).toEqual(cp);
    expect(list.headers.get('X-Total-Count')).toBe(String(await countRows('audit_checkpoints')));

    const r = await expectIntact();
    expect(r.checkpoints).toEqual({ checked: 1, valid: 1, problems: [] });
  });

  it('entries cut off the end after a checkpoint: truncated, and the sealer still remembers them', async () => {
    const cp = await newCheckpoint();
    await expectIntact();
    const restore = await deleteRows('id > ?', cp.last_entry_id - 3);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.checkpoints.problems).toContainEqual({
      checkpoint_id: cp.id,
      reason: 'truncated',
      detail: expect.stringContaining(`entry ${cp.last_entry_id}`),
    });
    // the AuditChain object's head (the checkpoint's own audit entry) is gone as well
    expect(r.first_broken).toMatchObject({ id: cp.last_entry_id - 2, reason: 'missing_entry', stored: null });
    expect(r.checked.to_id).toBe(cp.last_entry_id - 3);
    await restore();
    await expectIntact();
  });

  it('entries deleted before a checkpoint: entries_deleted', async () => {
    const cp = await newCheckpoint();
    const restore = await deleteRows('id IN (2, 3)');
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.first_broken).toEqual({ id: 2, reason: 'missing_entry', expected: null, stored: null });
    expect(r.checkpoints.problems).toContainEqual({
      checkpoint_id: cp.id,
      reason: 'entries_deleted',
      detail: expect.stringContaining(`2 of the ${cp.entry_count} entries`),
    });
    await restore();
    await expectIntact();
  });

  it('a forged checkpoint signature: bad_signature', async () => {
    const cp = await newCheckpoint();
    const insert = (c: Omit<Checkpoint, 'id'>) =>
      env.DB.prepare(
        'INSERT INTO audit_checkpoints (last_entry_id, entry_count, head_hash, created_at, key_id, signature) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
      )
        .bind(c.last_entry_id, c.entry_count, c.head_hash, c.created_at, c.key_id, c.signature)
        .first<{ id: number }>();
    // a real signature on other numbers, and a signature by a key the attacker made up
    const reused = await insert({ ...cp, entry_count: cp.entry_count - 1 });
    const pair = (await crypto.subtle.generateKey('Ed25519', false, ['sign', 'verify'])) as CryptoKeyPair;
    const own = await insert({ ...cp, signature: await signCheckpoint(pair.privateKey, cp) });

    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.first_broken).toBeNull();
    const bad = r.checkpoints.problems.filter((p: Row) => p.reason === 'bad_signature');
    expect(bad.map((p: Row) => p.checkpoint_id).sort()).toEqual([reused!.id, own!.id].sort());
    expect(r.checkpoints.problems.map((p: Row) => p.checkpoint_id)).not.toContain(cp.id);

    await env.DB.prepare('DELETE FROM audit_checkpoints WHERE id IN (?, ?)').bind(reused!.id, own!.id).run();
    await expectIntact();
  });

  it('the Cron Trigger writes a checkpoint when the trail grew, and none when it did not', async () => {
    const run = async (cron = '*/5 * * * *') => {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron }), env, ctx);
      await waitOnExecutionContext(ctx);
    };
    await createDatacenter(admin);
    const before = await countRows('audit_checkpoints');
    await run();
    expect(await countRows('audit_checkpoints')).toBe(before + 1);
    const latest = await env.DB.prepare('SELECT * FROM audit_checkpoints ORDER BY id DESC LIMIT 1').first<Checkpoint>();
    expect(latest).toMatchObject({ last_entry_id: await maxId(), entry_count: await countRows('audit_log') });
    // not audited (no actor): an idle trail stays idle
    await run();
    expect(await countRows('audit_checkpoints')).toBe(before + 1);
    // a trigger with no job is ignored
    await run('0 0 * * *');
    expect(await countRows('audit_checkpoints')).toBe(before + 1);
    await expectIntact();
  });
});

describe('a long trail', () => {
  /** entries written straight into D1 (as if the sealer had been unreachable for a while) */
  const backlog = (n: number) =>
    env.DB.prepare(
      `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
       INSERT INTO audit_log (actor, action, entity_type, entity_id, after, request_id)
       SELECT 'backlog', 'create', 'server', CAST(i AS TEXT), json_object('i', i, 'tags', json_array('a', i)), 'bulk'
       FROM k`,
    )
      .bind(n)
      .run();
  const ctx = (): ServiceContext => ({
    db: createDb(env.DB),
    env,
    actor: null,
    requestId: 'audit-chain-paging',
    clientIp: null,
  });

  it('is sealed page by page, and verified the same whatever the page size', async () => {
    await backlog(700);
    const mid = await newCheckpoint();
    await backlog(650);
    const head = await sealAuditChain(env);
    expect(head).toMatchObject({ last_id: await maxId(), count: await countRows('audit_log'), stalled_at: null });
    expect(await countRows('audit_log', 'hash IS NULL')).toBe(0);
    const last = await newCheckpoint();
    expect(last.entry_count - mid.entry_count).toBe(650 + 1);

    const whole = await expectIntact();
    expect(whole.checked.entries).toBe(await countRows('audit_log'));
    expect(whole.checkpoints.valid).toBe(whole.checkpoints.checked);
    for (const size of [13, 500, 2000]) expect(await verifyAuditTrail(ctx(), size), `page ${size}`).toEqual(whole);

    // the same broken answer, too
    const [target] = await chainRows("WHERE request_id = 'bulk' ORDER BY id LIMIT 1 OFFSET 1000");
    const restore = await deleteRows('id = ?', target.id - 1);
    await env.DB.prepare("UPDATE audit_log SET after = json_set(after, '$.i', 0) WHERE id = ?").bind(target.id).run();
    const broken = await verify();
    expect(broken.first_broken).toMatchObject({ id: target.id - 1, reason: 'missing_entry' });
    expect(broken.checkpoints.problems).toEqual([
      { checkpoint_id: last.id, reason: 'entries_deleted', detail: expect.stringContaining('1 of the') },
    ]);
    for (const size of [13, 500]) expect(await verifyAuditTrail(ctx(), size), `page ${size}`).toEqual(broken);
    await env.DB.prepare('UPDATE audit_log SET after = ? WHERE id = ?').bind(target.after, target.id).run();
    await restore();
    await expectIntact();
  }, 60_000);
});

describe('the AuditChain Durable Object', () => {
  const stub = () => env.AUDIT_CHAIN.getByName(AUDIT_CHAIN_NAME);

  it('keeps its head across an eviction (in-memory state lost, storage kept)', async () => {
    await sealAuditChain(env);
    await evictDurableObject(stub());
    await createDatacenter(admin);
    const head = await sealAuditChain(env);
    expect(head.last_id).toBe(await maxId());
    await expectIntact();
  });

  it('recovers its head from D1 when its storage is lost, and the chain continues unbroken', async () => {
    const sealed = await sealAuditChain(env);
    await runInDurableObject(stub(), (_instance, state) => {
      state.storage.sql.exec('DELETE FROM chain_head');
    });
    // entries written while the object had no head
    await createDatacenter(admin);
    await createDatacenter(admin);
    const head = await sealAuditChain(env);
    expect(head.last_id).toBe(await maxId());
    expect(head.count).toBe(await countRows('audit_log'));
    const [first] = await chainRows('WHERE id > ? ORDER BY id LIMIT 1', sealed.last_id);
    expect(first.prev_hash).toBe(sealed.hash);
    const stored = await runInDurableObject(stub(), (_instance, state) =>
      state.storage.sql.exec('SELECT last_id, count, hash FROM chain_head').toArray(),
    );
    expect(stored).toEqual([{ last_id: head.last_id, count: head.count, hash: head.hash }]);
    await expectIntact();
  });

  it('never overwrites a hash it did not write: sealing stops there and verify names the entry', async () => {
    await sealAuditChain(env);
    // an unsealed entry that someone gave a made-up hash, then a normal write after it
    await env.DB.prepare(
      "INSERT INTO audit_log (actor, action, entity_type, prev_hash, hash) VALUES ('intruder', 'noop', 'x', ?, ?)",
    )
      .bind(GENESIS_HASH, 'f'.repeat(64))
      .run();
    const intruder = await maxId();
    await createDatacenter(admin);
    const head = await sealAuditChain(env);
    expect(head.stalled_at).toBe(intruder);
    expect(head.last_id).toBe(intruder - 1);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.first_broken).toMatchObject({ id: intruder, reason: 'prev_hash_mismatch' });
    expect(r.unsealed).toBeGreaterThanOrEqual(1);
  });
});
