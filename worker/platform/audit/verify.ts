import type { ServiceContext } from '../context';
import { ChainVerifier, type ChainHead, type Checkpoint, type StoredEntry, type VerifyResult } from './chain';
import { sealAuditChain } from './chain-client';
import { checkpointVerifiers } from './signing';

const ENTRY_COLUMNS =
  'id, ts, actor_id, actor, action, entity_type, entity_id, before, after, request_id, client_ip, prev_hash, hash';

/**
 * Seal, then recompute the whole chain from D1 and check every checkpoint against it. Entries and checkpoints
 * are streamed `pageSize` at a time (a 100k-entry trail is never in memory at once); checkpoints are fed to
 * the verifier before the page that reaches their last_entry_id.
 */
export async function verifyAuditTrail(ctx: ServiceContext, pageSize = 500): Promise<VerifyResult> {
  let head: ChainHead | null = null;
  try {
    head = await sealAuditChain(ctx.env);
  } catch (e) {
    // verification still runs; entries the sealer could not reach show up as `unsealed`
    console.error(`[${ctx.requestId}] audit chain: sealing before verify failed`, e);
  }
  const verifier = new ChainVerifier({ ...(await checkpointVerifiers(ctx.env)), head });
  const d1 = ctx.db.$client;

  let cpLast = -1;
  let cpId = 0;
  let cpDone = false;
  const feedCheckpoints = async (upTo: number) => {
    while (!cpDone) {
      const { results } = await d1
        .prepare(
          `SELECT id, last_entry_id, entry_count, head_hash, created_at, key_id, signature FROM audit_checkpoints
            WHERE (last_entry_id, id) > (?, ?) AND last_entry_id <= ? ORDER BY last_entry_id, id LIMIT ?`,
        )
        .bind(cpLast, cpId, upTo, pageSize)
        .all<Checkpoint>();
      if (results.length) {
        await verifier.checkpoints(results);
        cpLast = results[results.length - 1].last_entry_id;
        cpId = results[results.length - 1].id;
      }
      if (results.length < pageSize) {
        if (upTo === Number.MAX_SAFE_INTEGER) cpDone = true;
        return;
      }
    }
  };

  let after = 0;
  for (;;) {
    const { results } = await d1
      .prepare(`SELECT ${ENTRY_COLUMNS} FROM audit_log WHERE id > ? ORDER BY id LIMIT ?`)
      .bind(after, pageSize)
      .all<StoredEntry>();
    const last = results.length === pageSize;
    await feedCheckpoints(last ? Number(results[results.length - 1].id) : Number.MAX_SAFE_INTEGER);
    await verifier.entries(results);
    if (!last) break;
    after = Number(results[results.length - 1].id);
  }
  return verifier.finish();
}
