import * as v from 'valibot';
import { name } from '../../schemas/common';

export const TOKEN_SCOPE_NAMES = ['read', 'write', 'ingest', 'admin', 'agent'] as const;

export const ApiTokenCreate = v.object({
  name: name(64),
  scopes: v.pipe(
    v.array(
      v.picklist(TOKEN_SCOPE_NAMES, `must be one of: ${TOKEN_SCOPE_NAMES.join(', ')}`),
      'must be a list of scopes',
    ),
    v.minLength(1, 'choose at least one scope'),
    v.transform((s) => [...new Set(s)]),
  ),
  /** `agent` tokens: the one site (datacenter id) whose agent uses it */
  site_id: v.optional(
    v.nullable(
      v.pipe(
        v.number('must be a datacenter id'),
        v.integer('must be a datacenter id'),
        v.minValue(1, 'must be a datacenter id'),
      ),
    ),
  ),
  expires_in_days: v.optional(
    v.nullable(
      v.pipe(
        v.number('must be a number of days'),
        v.integer('must be a whole number of days'),
        v.minValue(1, 'must be at least 1 day'),
        v.maxValue(3650, 'must be at most 3650 days'),
      ),
    ),
  ),
});

export const ApiToken = v.object({
  id: v.number(),
  user_id: v.number(),
  username: v.pipe(v.string(), v.description('The owner')),
  name: v.string(),
  token_prefix: v.pipe(v.string(), v.description('The first characters of the token, to recognise it')),
  scopes: v.array(v.string()),
  site_id: v.pipe(v.nullable(v.number()), v.description('An agent token: the site (datacenter) it is bound to')),
  created_at: v.string(),
  expires_at: v.nullable(v.string()),
  last_used_at: v.nullable(v.string()),
  revoked_at: v.nullable(v.string()),
});

export const ApiTokenCreated = v.object({
  ...ApiToken.entries,
  token: v.pipe(v.string(), v.description('The secret. Shown once: it is stored only as a hash.')),
});

export const Session = v.object({
  id: v.string(),
  user_id: v.number(),
  amr: v.array(v.string()),
  auth_time: v.number(),
  created_at: v.string(),
  last_used_at: v.string(),
  expires_at: v.string(),
  revoked_at: v.nullable(v.string()),
  revoked_reason: v.nullable(v.string()),
  client_ip: v.nullable(v.string()),
  user_agent: v.nullable(v.string()),
  step_up_at: v.pipe(v.nullable(v.string()), v.description('When a passkey with user verification last confirmed it')),
  state: v.picklist(['active', 'revoked', 'expired', 'idle']),
  current: v.boolean(),
});
