import type { Env } from '../../env';
import type { SealResult } from '../../../durable-objects/audit-chain';

/** The one AuditChain object: every Worker instance reaches the same one, so there is one sealer. */
export const AUDIT_CHAIN_NAME = 'audit-chain';

/**
 * Seal every audit entry written so far (hash them in id order after the chain's head) and return the head.
 * The only way the Worker talks to the AuditChain Durable Object.
 */
export async function sealAuditChain(env: Env): Promise<SealResult> {
  return env.AUDIT_CHAIN.getByName(AUDIT_CHAIN_NAME).seal();
}
