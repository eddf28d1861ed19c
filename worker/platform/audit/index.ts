import { AuditChain } from '../../../durable-objects/audit-chain';
import { defineDomain } from '../domain';
import * as tables from './tables';
import { mountAudit } from './routes';
import { scheduledCheckpoint } from './checkpoints';

/** The tamper-evident audit trail: entries, their hash chain (sealed by one object) and signed checkpoints. */
export const audit = defineDomain({
  name: 'audit',
  tables,
  mount: mountAudit,
  jobs: [{ name: 'audit checkpoint', cron: '*/5 * * * *', run: (env) => scheduledCheckpoint(env) }],
  objects: { AuditChain },
});
