import { desc } from 'drizzle-orm';
import type { ServiceContext } from '../context';
import { createDb, runBatch, type Statement } from '../db/client';
import { auditCheckpoints, type AuditCheckpointRow } from './tables';
import type { Env } from '../../env';
import { signCheckpoint, type CheckpointPayload } from './chain';
import { sealAuditChain } from './chain-client';
import { checkpointSigner } from './signing';
import { auditInsertedRow, toStatement } from './trail';

/**
 * Seal the chain, then sign (size, head hash) of the sealed trail and store it. The head comes from the
 * AuditChain object, not from D1, so a trail shortened behind the API's back is not signed as if it were whole.
 * Returns null when there is nothing to sign (empty trail, or `onlyIfMoved` and the head has not moved).
 */
export async function createCheckpoint(
  ctx: ServiceContext,
  opts: { audit: boolean; onlyIfMoved?: boolean },
): Promise<AuditCheckpointRow | null> {
  const head = await sealAuditChain(ctx.env);
  if (head.last_id === 0) return null;
  if (opts.onlyIfMoved) {
    const latest = await ctx.db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1).get();
    if (latest && latest.last_entry_id === head.last_id && latest.head_hash === head.hash) return null;
  }
  const { keyId, privateKey } = await checkpointSigner(ctx.env);
  const payload: CheckpointPayload = {
    last_entry_id: head.last_id,
    entry_count: head.count,
    head_hash: head.hash,
    created_at: new Date().toISOString(),
    key_id: keyId,
  };
  const row = { ...payload, signature: await signCheckpoint(privateKey, payload) };
  const insert = ctx.db.insert(auditCheckpoints).values(row).returning() as unknown as Statement;
  const [rows] = await runBatch(
    ctx.db,
    opts.audit
      ? [insert, toStatement(ctx, auditInsertedRow(ctx, { table: auditCheckpoints, entityType: 'audit_checkpoint' }))]
      : [insert],
  );
  return (rows as AuditCheckpointRow[])[0];
}

/** The Cron Trigger's job: a checkpoint whenever the head moved since the last one (not audited: no actor). */
export async function scheduledCheckpoint(env: Env): Promise<void> {
  const ctx: ServiceContext = {
    db: createDb(env.DB),
    env,
    actor: null,
    requestId: `cron-${crypto.randomUUID()}`,
    clientIp: null,
  };
  const cp = await createCheckpoint(ctx, { audit: false, onlyIfMoved: true });
  if (cp) console.log(`audit checkpoint ${cp.id}: ${cp.entry_count} entries up to ${cp.last_entry_id}`);
}
