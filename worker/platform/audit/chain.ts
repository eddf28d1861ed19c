/**
 * The tamper-evident audit chain, as pure functions: canonical JSON of an entry, its hash, checkpoint payloads
 * and signatures, and the verifier. No D1, no Hono: the Durable Object (durable-objects/audit-chain.ts) seals
 * entries with these, the verify endpoint (worker/platform/audit/verify.ts) streams rows from D1 through them, and
 * tests/unit/audit-chain.test.ts checks them directly.
 *
 *   hash = hex(SHA-256(prev_hash || canonicalJson(entry)))      prev_hash of the first entry = 64 zeros
 */

export const GENESIS_HASH = '0'.repeat(64);

/** Exactly the fields an entry's hash covers, in the order of the table (canonical JSON sorts them anyway). */
export const CHAIN_FIELDS = [
  'id',
  'ts',
  'actor_id',
  'actor',
  'action',
  'entity_type',
  'entity_id',
  'before',
  'after',
  'request_id',
  'client_ip',
] as const;

export interface ChainEntry {
  id: number;
  ts: string;
  actor_id: number | null;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
  client_ip: string | null;
}

/** An audit_log row as D1 returns it: `before`/`after` are JSON text. */
export interface StoredEntry extends Record<string, unknown> {
  id: number;
  prev_hash: string | null;
  hash: string | null;
}

/**
 * Canonical JSON in the style of RFC 8785 (JCS): object keys sorted by UTF-16 code units at every depth, no
 * whitespace, strings and numbers exactly as JavaScript serialises them. `undefined` object members are
 * dropped (as JSON.stringify does); non-finite numbers and other non-JSON values are refused.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  }
}

const parseJsonColumn = (raw: unknown): unknown => {
  if (raw == null) return null;
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    // not JSON any more (edited behind the API's back): hash the text, so the entry fails verification
    return raw;
  }
};

/** The hashed view of a stored row: exactly CHAIN_FIELDS, JSON columns decoded. */
export function chainEntryOf(row: Record<string, unknown>): ChainEntry {
  return {
    id: Number(row.id),
    ts: row.ts as string,
    actor_id: row.actor_id == null ? null : Number(row.actor_id),
    actor: row.actor as string,
    action: row.action as string,
    entity_type: row.entity_type as string,
    entity_id: (row.entity_id as string | null) ?? null,
    before: parseJsonColumn(row.before),
    after: parseJsonColumn(row.after),
    request_id: (row.request_id as string | null) ?? null,
    client_ip: (row.client_ip as string | null) ?? null,
  };
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** hex(SHA-256(prevHash || canonicalJson(entry))), the entry restricted to CHAIN_FIELDS. */
export function entryHash(prevHash: string, entry: ChainEntry | Record<string, unknown>): Promise<string> {
  const e = entry as Record<string, unknown>;
  const picked = Object.fromEntries(CHAIN_FIELDS.map((k) => [k, e[k] === undefined ? null : e[k]]));
  return sha256Hex(prevHash + canonicalJson(picked));
}

// ---------------------------------------------------------------------------------------------------------------
// Checkpoints: (size, head hash) signed with Ed25519

export interface CheckpointPayload {
  last_entry_id: number;
  entry_count: number;
  head_hash: string;
  created_at: string;
  key_id: string;
}
export interface Checkpoint extends CheckpointPayload {
  id: number;
  /** base64url of the 64-byte Ed25519 signature over canonicalJson(payload) */
  signature: string;
}

export const checkpointMessage = (c: CheckpointPayload): string =>
  canonicalJson({
    last_entry_id: c.last_entry_id,
    entry_count: c.entry_count,
    head_hash: c.head_hash,
    created_at: c.created_at,
    key_id: c.key_id,
  });

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
function fromB64url(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return null;
  try {
    return Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

export async function signCheckpoint(privateKey: CryptoKey, payload: CheckpointPayload): Promise<string> {
  const sig = await crypto.subtle.sign('Ed25519', privateKey, new TextEncoder().encode(checkpointMessage(payload)));
  return b64url(new Uint8Array(sig));
}

export async function checkpointSignatureValid(publicKey: CryptoKey, cp: Checkpoint): Promise<boolean> {
  const sig = fromB64url(cp.signature);
  if (!sig || sig.length !== 64) return false;
  return crypto.subtle.verify('Ed25519', publicKey, sig, new TextEncoder().encode(checkpointMessage(cp)));
}

// ---------------------------------------------------------------------------------------------------------------
// Verification

export type BrokenReason = 'hash_mismatch' | 'prev_hash_mismatch' | 'missing_entry';
export type CheckpointProblemReason =
  'bad_signature' | 'unknown_key' | 'truncated' | 'entries_deleted' | 'head_mismatch';

export interface FirstBroken {
  id: number;
  reason: BrokenReason;
  /** what the chain says the value should be (null when a deleted entry's hash is unknown) */
  expected: string | null;
  /** what the row holds (null for a missing or never-sealed entry) */
  stored: string | null;
}
export interface CheckpointProblem {
  checkpoint_id: number;
  reason: CheckpointProblemReason;
  detail: string;
}
export interface VerifyResult {
  ok: boolean;
  checked: { from_id: number | null; to_id: number | null; entries: number };
  unsealed: number;
  head_hash: string;
  first_broken: FirstBroken | null;
  checkpoints: { checked: number; valid: number; problems: CheckpointProblem[] };
}

/** The sealer's own record of the head: the last sealed id, how many entries it covers, its hash. */
export interface ChainHead {
  last_id: number;
  count: number;
  hash: string;
}

export interface VerifierOptions {
  /** Ed25519 public keys by key id (current and retired); a checkpoint signed with another key is `unknown_key` */
  keys: Map<string, CryptoKey>;
  /** key ids that must not be trusted (the development key, in production) and why */
  refusedKeys?: Map<string, string>;
  /** the Durable Object's head after sealing: catches a truncated tail even without a newer checkpoint */
  head?: ChainHead | null;
}

/**
 * Checks the chain entry by entry, in id order, holding only the previous entry and the checkpoints not yet
 * reached: feed it pages of rows (`entries`) and, before each page, the checkpoints whose last_entry_id is at
 * most that page's last id (`checkpoints`, in last_entry_id order). Every link is checked locally (prev_hash
 * = the stored hash of the entry before; hash = SHA-256 of prev_hash and the content), so a single edited row
 * is named by its own id and the rows after it still verify.
 */
export class ChainVerifier {
  private prevId = 0;
  private prevHash = GENESIS_HASH;
  private seen = 0;
  private sealed = 0;
  private fromId: number | null = null;
  private toId: number | null = null;
  private firstBroken: FirstBroken | null = null;
  /** a run of unsealed entries: fine at the tail (written after the seal), broken when sealed ones follow */
  private unsealedRun: { first: ChainEntry; prevHash: string; count: number } | null = null;
  private pending: Checkpoint[] = [];
  private cpChecked = 0;
  private problems: CheckpointProblem[] = [];
  private readonly troubled = new Set<number>();

  constructor(private readonly opts: VerifierOptions) {}

  private broken(b: FirstBroken) {
    this.firstBroken ??= b;
  }
  private problem(cp: Checkpoint, reason: CheckpointProblemReason, detail: string) {
    this.problems.push({ checkpoint_id: cp.id, reason, detail });
    this.troubled.add(cp.id);
  }

  /** Checkpoints in last_entry_id order, each before the entry it names is fed. Signatures are checked here. */
  async checkpoints(cps: Checkpoint[]): Promise<void> {
    for (const cp of cps) {
      this.cpChecked++;
      const refused = this.opts.refusedKeys?.get(cp.key_id);
      const key = this.opts.keys.get(cp.key_id);
      if (refused)
        this.problem(cp, 'bad_signature', `signed with key "${cp.key_id}", which is not trusted: ${refused}`);
      else if (!key) {
        this.problem(
          cp,
          'unknown_key',
          `signed with key "${cp.key_id}", which is neither AUDIT_SIGNING_KEY nor in AUDIT_PREVIOUS_PUBLIC_KEYS`,
        );
      } else if (!(await checkpointSignatureValid(key, cp))) {
        this.problem(cp, 'bad_signature', `the Ed25519 signature does not match the checkpoint's content`);
      }
      this.pending.push(cp);
    }
  }

  /** Checkpoints whose entry lies before `id` and was never seen: that entry is gone, later ones exist. */
  private settleBefore(id: number) {
    while (this.pending.length && this.pending[0].last_entry_id < id) {
      const cp = this.pending.shift()!;
      this.problem(
        cp,
        'entries_deleted',
        `entry ${cp.last_entry_id}, the head of this checkpoint, is missing (${this.seen} of ${cp.entry_count} entries up to it remain)`,
      );
    }
  }

  private settleAt(e: StoredEntry) {
    while (this.pending.length && this.pending[0].last_entry_id === e.id) {
      const cp = this.pending.shift()!;
      if (e.hash !== cp.head_hash) {
        this.problem(
          cp,
          'head_mismatch',
          `entry ${e.id} has hash ${e.hash ?? 'null'}, the checkpoint recorded ${cp.head_hash}`,
        );
      }
      if (this.seen < cp.entry_count) {
        this.problem(
          cp,
          'entries_deleted',
          `${cp.entry_count - this.seen} of the ${cp.entry_count} entries up to ${e.id} are missing`,
        );
      } else if (this.seen > cp.entry_count) {
        this.problem(
          cp,
          'head_mismatch',
          `${this.seen} entries up to ${e.id}, but the checkpoint recorded ${cp.entry_count}: entries were inserted`,
        );
      }
    }
  }

  /** Rows in id order (any page size). */
  async entries(rows: StoredEntry[]): Promise<void> {
    for (const row of rows) {
      const id = Number(row.id);
      this.settleBefore(id);
      this.seen++;
      const entry = chainEntryOf(row);
      if (row.hash == null) {
        if (this.unsealedRun) this.unsealedRun.count++;
        else this.unsealedRun = { first: entry, prevHash: this.prevHash, count: 1 };
      } else {
        if (this.unsealedRun) {
          // an entry in the middle of the chain without a hash: never sealed, or its hash was erased
          const u = this.unsealedRun;
          this.broken({
            id: u.first.id,
            reason: 'hash_mismatch',
            expected: await entryHash(u.prevHash, u.first),
            stored: null,
          });
          this.unsealedRun = null;
        }
        if (row.prev_hash !== this.prevHash) {
          if (id > this.prevId + 1) {
            this.broken({
              id: this.prevId + 1,
              reason: 'missing_entry',
              expected: id === this.prevId + 2 ? row.prev_hash : null,
              stored: null,
            });
          } else {
            this.broken({ id, reason: 'prev_hash_mismatch', expected: this.prevHash, stored: row.prev_hash });
          }
        }
        const computed = await entryHash(row.prev_hash ?? '', entry);
        if (computed !== row.hash) this.broken({ id, reason: 'hash_mismatch', expected: computed, stored: row.hash });
        this.prevHash = row.hash;
        this.prevId = id;
        this.sealed++;
        this.fromId ??= id;
        this.toId = id;
      }
      this.checkHeadAt(row);
      this.settleAt(row);
    }
  }

  // the sealer's head: the entry it names must exist with that hash (a missing one in the middle of the trail
  // is already a broken link of the entry after it; a missing tail is reported by finish)
  private headSeen = false;
  private checkHeadAt(row: StoredEntry) {
    const h = this.opts.head;
    if (!h || row.id !== h.last_id) return;
    this.headSeen = true;
    if (row.hash !== h.hash) this.broken({ id: row.id, reason: 'hash_mismatch', expected: h.hash, stored: row.hash });
  }

  finish(): VerifyResult {
    for (const cp of this.pending) {
      this.problem(
        cp,
        'truncated',
        `the trail ends at entry ${this.prevId || 'none'}; the checkpoint recorded ${cp.entry_count} entries up to entry ${cp.last_entry_id}`,
      );
    }
    this.pending = [];
    const h = this.opts.head;
    if (h && h.last_id > this.prevId && !this.headSeen) {
      // the tail up to the sealer's last entry was cut off
      this.broken({
        id: this.prevId + 1,
        reason: 'missing_entry',
        expected: h.last_id === this.prevId + 1 ? h.hash : null,
        stored: null,
      });
    }
    // by checkpoint, in the order found within one (a stable sort)
    const problems = [...this.problems].sort((a, b) => a.checkpoint_id - b.checkpoint_id);
    return {
      ok: this.firstBroken === null && problems.length === 0,
      checked: { from_id: this.fromId, to_id: this.toId, entries: this.sealed },
      unsealed: this.unsealedRun?.count ?? 0,
      head_hash: this.prevHash,
      first_broken: this.firstBroken,
      checkpoints: { checked: this.cpChecked, valid: this.cpChecked - this.troubled.size, problems },
    };
  }
}

/** The whole verification over rows and checkpoints held in memory (tests, small trails). */
export async function verifyChain(
  rows: StoredEntry[],
  checkpoints: Checkpoint[],
  opts: VerifierOptions,
): Promise<VerifyResult> {
  const v = new ChainVerifier(opts);
  await v.checkpoints([...checkpoints].sort((a, b) => a.last_entry_id - b.last_entry_id || a.id - b.id));
  await v.entries([...rows].sort((a, b) => Number(a.id) - Number(b.id)));
  return v.finish();
}
