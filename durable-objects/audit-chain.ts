import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../worker/env';
import { GENESIS_HASH, chainEntryOf, entryHash, type ChainHead } from '../worker/platform/audit/chain';

/** Rows read (and hashed) per round trip to D1. */
const PAGE = 500;
/** UPDATE ... FROM (VALUES (?, ?, ?), ...): 3 bound parameters per entry, D1 allows 100 per statement. */
const PER_STATEMENT = 33;

export interface SealResult extends ChainHead {
  /** entries hashed by this call */
  sealed: number;
  /** an entry after the head that already carries a hash this object did not write: sealing stops before it */
  stalled_at: number | null;
}

/**
 * The only writer of audit_log.prev_hash / audit_log.hash. One instance (by a fixed name, see
 * worker/platform/audit/chain-client.ts) seals the entries that the Worker wrote atomically with their changes (hash
 * NULL), in id order, after the head it keeps in its own SQLite storage. D1 assigns ids serially and only this
 * object hashes, and calls are queued one after another inside it, so the chain cannot fork.
 *
 * Its head is also independent evidence: entries cut off the end of the trail behind the API's back are still
 * named by GET /api/audit/verify, because the head here remembers them.
 */
export class AuditChain extends DurableObject<Env> {
  /** the run in progress (or finished): the next one starts after it */
  private tail: Promise<unknown> = Promise.resolve();
  /** a run queued but not yet started: later callers share it, it will see their entries too */
  private queued: Promise<SealResult> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS chain_head (
         k INTEGER PRIMARY KEY CHECK (k = 1),
         last_id INTEGER NOT NULL,
         count INTEGER NOT NULL,
         hash TEXT NOT NULL,
         updated_at TEXT NOT NULL
       )`,
    );
  }

  /**
   * Hash every entry written so far that is not sealed yet; returns the head. Serialised: D1 awaits would
   * otherwise let two calls interleave inside this object and both hash the same entries.
   */
  seal(): Promise<SealResult> {
    if (this.queued) return this.queued;
    const run = this.tail.then(() => {
      this.queued = null;
      return this.sealNow();
    });
    this.queued = run;
    this.tail = run.catch(() => undefined);
    return run;
  }

  private storedHead(): ChainHead | null {
    const rows = this.ctx.storage.sql
      .exec<{ last_id: number; count: number; hash: string }>('SELECT last_id, count, hash FROM chain_head WHERE k = 1')
      .toArray();
    return rows[0] ?? null;
  }

  private saveHead(h: ChainHead) {
    this.ctx.storage.sql.exec(
      `INSERT INTO chain_head (k, last_id, count, hash, updated_at) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (k) DO UPDATE SET last_id = excluded.last_id, count = excluded.count, hash = excluded.hash,
         updated_at = excluded.updated_at`,
      h.last_id,
      h.count,
      h.hash,
      new Date().toISOString(),
    );
  }

  /** Storage lost (first run, or a new object): the head is the last sealed entry in D1. */
  private async recoverHead(): Promise<ChainHead> {
    const db = this.env.DB;
    const last = await db
      .prepare('SELECT id, hash FROM audit_log WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1')
      .first<{ id: number; hash: string }>();
    if (!last) return { last_id: 0, count: 0, hash: GENESIS_HASH };
    const n = await db
      .prepare('SELECT count(*) AS n FROM audit_log WHERE id <= ?')
      .bind(last.id)
      .first<{ n: number }>();
    if (last.id > 0) console.warn(`audit chain: head recovered from D1 at entry ${last.id}`);
    return { last_id: last.id, count: n?.n ?? 0, hash: last.hash };
  }

  private async sealNow(): Promise<SealResult> {
    const db = this.env.DB;
    let head = this.storedHead() ?? (await this.recoverHead());
    let sealed = 0;
    let stalledAt: number | null = null;
    for (;;) {
      const { results } = await db
        .prepare(
          `SELECT id, ts, actor_id, actor, action, entity_type, entity_id, before, after, request_id, client_ip,
                  prev_hash, hash
             FROM audit_log WHERE id > ? ORDER BY id LIMIT ?`,
        )
        .bind(head.last_id, PAGE)
        .all<Record<string, unknown>>();
      const updates: { id: number; prev: string; hash: string }[] = [];
      let next = head;
      for (const row of results) {
        const id = Number(row.id);
        if (row.hash != null) {
          // a run that wrote D1 but stopped before saving its head: adopt the entry if it links and verifies
          if (row.prev_hash === next.hash && row.hash === (await entryHash(next.hash, chainEntryOf(row)))) {
            next = { last_id: id, count: next.count + 1, hash: row.hash as string };
            continue;
          }
          // never overwrite a hash: that would let an edit behind the API's back heal itself
          stalledAt = id;
          break;
        }
        const hash = await entryHash(next.hash, chainEntryOf(row));
        updates.push({ id, prev: next.hash, hash });
        next = { last_id: id, count: next.count + 1, hash };
      }
      if (updates.length) await this.write(updates);
      if (next !== head) this.saveHead(next);
      head = next;
      sealed += updates.length;
      if (stalledAt !== null) {
        console.error(
          `audit chain: entry ${stalledAt} carries a hash this object did not write; sealing stopped there (GET /api/audit/verify)`,
        );
        break;
      }
      if (results.length < PAGE) break;
    }
    return { ...head, sealed, stalled_at: stalledAt };
  }

  /** One atomic D1 batch; only rows still unsealed are touched, and all of them must be. */
  private async write(updates: { id: number; prev: string; hash: string }[]) {
    const db = this.env.DB;
    const statements: D1PreparedStatement[] = [];
    for (let i = 0; i < updates.length; i += PER_STATEMENT) {
      const part = updates.slice(i, i + PER_STATEMENT);
      statements.push(
        db
          .prepare(
            `UPDATE audit_log SET prev_hash = v.column2, hash = v.column3
               FROM (VALUES ${part.map(() => '(?, ?, ?)').join(', ')}) AS v
              WHERE audit_log.id = v.column1 AND audit_log.hash IS NULL`,
          )
          .bind(...part.flatMap((u) => [u.id, u.prev, u.hash])),
      );
    }
    const results = await db.batch(statements);
    const changed = results.reduce((n, r) => n + (r.meta?.changes ?? 0), 0);
    if (changed !== updates.length) {
      // someone else wrote hashes in between: keep the stored head, the next run adopts or stops at them
      throw new Error(`audit chain: sealed ${changed} of ${updates.length} entries; head not advanced`);
    }
  }
}
