import * as v from 'valibot';
import { id, name, oneOf, optionalText, timestampsOut } from '../../platform/schemas/common';
import { currency, date, money } from './common';

export const CONTRACT_KINDS = ['licence', 'support'] as const;
export const CONTRACT_SCOPES = ['estate', 'datacenter', 'rack', 'server', 'vm'] as const;
export const BILLINGS = ['monthly', 'yearly'] as const;

export const ContractCreate = v.object({
  name: name(64),
  kind: v.optional(oneOf(CONTRACT_KINDS)),
  vendor: optionalText(64),
  scope_type: v.optional(oneOf(CONTRACT_SCOPES)),
  /** the datacenter, rack, server or VM covered; null for the estate */
  scope_id: v.optional(v.nullable(id)),
  currency,
  amount: money(),
  billing: v.optional(oneOf(BILLINGS)),
  starts_on: date,
  ends_on: v.optional(v.nullable(date)),
  description: optionalText(200),
});
export const ContractUpdate = v.partial(ContractCreate);

export const Contract = v.object({
  ...timestampsOut,
  name: v.string(),
  kind: v.picklist(CONTRACT_KINDS),
  vendor: v.nullable(v.string()),
  scope_type: v.picklist(CONTRACT_SCOPES),
  scope_id: v.nullable(v.number()),
  scope_name: v.nullable(v.string()),
  currency: v.string(),
  amount: v.number(),
  billing: v.picklist(BILLINGS),
  starts_on: v.string(),
  ends_on: v.nullable(v.string()),
  description: v.nullable(v.string()),
});
