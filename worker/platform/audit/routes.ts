import { auditCheckpoints, auditLog } from './tables';
import type { Api } from '../http/api';
import { ProblemError } from '../http/problem';
import { mountResource, type ResourceDef } from '../http/resource';
import * as v from 'valibot';
import { createCheckpoint } from './checkpoints';
import { verifyAuditTrail } from './verify';
import { auditEntryScope } from '../access/entities';

const AuditEntry = v.object({
  id: v.number(),
  ts: v.string(),
  actor_id: v.nullable(v.number()),
  actor: v.string(),
  action: v.string(),
  entity_type: v.string(),
  entity_id: v.nullable(v.string()),
  entity_name: v.pipe(
    v.nullable(v.string()),
    v.description(
      'readable label of the entity when the entry was written (server name, username); kept after it is deleted. ' +
        'Display only: not covered by the chain hash (before/after, which are, hold the same name for row changes)',
    ),
  ),
  before: v.nullable(v.record(v.string(), v.unknown())),
  after: v.nullable(v.record(v.string(), v.unknown())),
  request_id: v.nullable(v.string()),
  client_ip: v.nullable(v.string()),
});

const Hash = v.pipe(v.string(), v.description('hex SHA-256'));

const AuditCheckpoint = v.object({
  id: v.number(),
  last_entry_id: v.pipe(v.number(), v.description('the last entry the checkpoint covers')),
  entry_count: v.pipe(v.number(), v.description('how many entries had an id up to last_entry_id')),
  head_hash: v.pipe(Hash, v.description('hash of entry last_entry_id')),
  created_at: v.string(),
  key_id: v.pipe(v.string(), v.description('"kid" of the Ed25519 signing key')),
  signature: v.pipe(
    v.string(),
    v.description(
      'base64url Ed25519 signature over the canonical JSON of {last_entry_id, entry_count, head_hash, created_at, key_id}',
    ),
  ),
});

const VerifyResult = v.object({
  ok: v.pipe(v.boolean(), v.description('true when every link, hash and checkpoint checks out')),
  checked: v.object({
    from_id: v.nullable(v.number()),
    to_id: v.nullable(v.number()),
    entries: v.pipe(v.number(), v.description('sealed entries recomputed')),
  }),
  unsealed: v.pipe(v.number(), v.description('entries written after the seal that began this check')),
  head_hash: v.pipe(Hash, v.description('hash of the last sealed entry (64 zeros for an empty trail)')),
  first_broken: v.nullable(
    v.object({
      id: v.number(),
      reason: v.picklist(['hash_mismatch', 'prev_hash_mismatch', 'missing_entry']),
      expected: v.nullable(v.string()),
      stored: v.nullable(v.string()),
    }),
  ),
  checkpoints: v.object({
    checked: v.number(),
    valid: v.number(),
    problems: v.array(
      v.object({
        checkpoint_id: v.number(),
        reason: v.picklist(['bad_signature', 'unknown_key', 'truncated', 'entries_deleted', 'head_mismatch']),
        detail: v.string(),
      }),
    ),
  }),
});

export const auditResource: ResourceDef = {
  path: '/audit/logs',
  entity: 'audit entry',
  label: 'Audit entry',
  tag: 'Audit',
  table: auditLog,
  scope: auditEntryScope,
  schemas: { output: AuditEntry },
  filters: {
    id: { type: 'int', description: 'These entries (comma-separated ids).' },
    actor: { type: 'string' },
    actor_id: { type: 'int' },
    action: { type: 'string' },
    entity_type: { type: 'string' },
    entity_id: { type: 'string' },
    request_id: { type: 'string' },
    from: { type: 'date', op: 'gte', column: 'ts', description: 'Entries at or after this ISO time.' },
    to: { type: 'date', op: 'lte', column: 'ts', description: 'Entries at or before this ISO time.' },
  },
  sortable: ['id', 'ts', 'actor', 'action', 'entity_type'],
  defaultSort: '-id',
  searchable: ['actor', 'entity_type', 'entity_id', 'entity_name', 'action'],
  hidden: ['prev_hash', 'hash'],
  access: { read: 'audit:read', write: 'audit:read' },
  ops: ['list', 'get'],
  description: 'The append-only audit trail: every change with before/after, sign-ins and failed sign-ins.',
};

export const checkpointsResource: ResourceDef = {
  path: '/audit/checkpoints',
  entity: 'audit checkpoint',
  label: 'Audit checkpoint',
  tag: 'Audit',
  table: auditCheckpoints,
  schemas: { output: AuditCheckpoint },
  filters: {
    key_id: { type: 'string' },
    from: { type: 'date', op: 'gte', column: 'created_at', description: 'Checkpoints at or after this ISO time.' },
    to: { type: 'date', op: 'lte', column: 'created_at', description: 'Checkpoints at or before this ISO time.' },
  },
  sortable: ['id', 'last_entry_id', 'created_at'],
  defaultSort: '-id',
  searchable: [],
  access: { read: 'audit:read', write: 'audit:checkpoint' },
  ops: ['list'],
  description:
    'Signed (size, head hash) statements of the audit chain, written by the Cron Trigger every 5 minutes when the ' +
    'trail grew, and on demand.',
};

export function mountAudit(api: Api) {
  mountResource(api, auditResource);

  api.op(
    {
      method: 'get',
      path: '/audit/verify',
      summary: 'Verify the tamper-evident audit chain and its signed checkpoints',
      description:
        'Seals pending entries, then recomputes every hash (SHA-256 of prev_hash and the canonical JSON of the ' +
        'entry) in id order and checks each checkpoint: its Ed25519 signature, that the entry it names still ' +
        'has its hash, and that no entry up to it is missing. `first_broken` names the first entry whose link or ' +
        'hash does not match; `checkpoints.problems` reports deletions and truncation. Always 200: `ok` is the answer.',
      tags: ['Audit'],
      access: 'audit:read',
      responses: [
        { status: 200, description: 'The verification report', schema: VerifyResult, name: 'AuditVerifyResult' },
      ],
    },
    async (c, { ctx }) => c.json(await verifyAuditTrail(ctx)),
  );

  api.op(
    {
      method: 'post',
      path: '/audit/checkpoints',
      summary: 'Seal the chain and sign a checkpoint of it now',
      description: 'The Cron Trigger does this every 5 minutes when the trail grew; this is the on-demand way.',
      tags: ['Audit'],
      access: 'audit:checkpoint',
      responses: [
        {
          status: 201,
          description: 'The new checkpoint',
          schema: AuditCheckpoint,
          name: 'AuditCheckpoint',
          complete: true,
        },
        { status: 409, description: 'The audit trail is empty: nothing to sign' },
      ],
    },
    async (c, { ctx }) => {
      const cp = await createCheckpoint(ctx, { audit: true });
      if (!cp) throw new ProblemError(409, 'conflict', 'The audit trail is empty: there is nothing to sign yet.');
      return c.json(cp, 201);
    },
  );

  mountResource(api, checkpointsResource);
}
