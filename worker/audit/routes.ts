import { auditLog } from '../db/schema';
import type { Api } from '../http/api';
import { mountResource, type ResourceDef } from '../http/resource';
import * as v from 'valibot';

const AuditEntry = v.object({
  id: v.number(),
  ts: v.string(),
  actor_id: v.nullable(v.number()),
  actor: v.string(),
  action: v.string(),
  entity_type: v.string(),
  entity_id: v.nullable(v.string()),
  before: v.nullable(v.unknown()),
  after: v.nullable(v.unknown()),
  request_id: v.nullable(v.string()),
  client_ip: v.nullable(v.string()),
});

export const auditResource: ResourceDef = {
  path: '/audit/logs',
  entity: 'audit entry',
  label: 'Audit entry',
  tag: 'Audit',
  table: auditLog,
  schemas: { output: AuditEntry },
  filters: {
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
  searchable: ['actor', 'entity_type', 'entity_id', 'action'],
  hidden: ['prev_hash', 'hash'],
  access: { read: 'audit:read', write: 'audit:read' },
  ops: ['list', 'get'],
  description: 'The append-only audit trail: every change with before/after, sign-ins and failed sign-ins.',
};

export function mountAudit(api: Api) {
  mountResource(api, auditResource);
}
