import * as v from 'valibot';
import { queryId, queryInt } from '../../platform/schemas/common';

// Only valibot here: the UI imports these.

const n = v.number();

export const FailureRiskQuery = v.strictObject({
  datacenter_id: v.optional(queryId('datacenter')),
  /** the lowest level listed (low: every server with any evidence) */
  level: v.optional(v.picklist(['none', 'low', 'medium', 'high'], 'must be none, low, medium or high'), 'low'),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, 'must be a whole number'),
      v.transform(Number),
      v.minValue(1, 'must be from 1 to 500'),
      v.maxValue(500, 'must be from 1 to 500'),
    ),
    '50',
  ),
  offset: v.optional(queryInt(0), '0'),
});

const DiskRiskRow = v.object({
  device: v.string(),
  risk: n,
  at_risk: v.boolean(),
  evidence: v.array(v.object({ attribute: n, value: n, source: v.string(), contribution: n, why: v.string() })),
  unknown: v.array(n),
});

export const ServerFailureRisk = v.object({
  server_id: n,
  name: v.string(),
  rack_id: n,
  rack: v.string(),
  datacenter_id: n,
  datacenter: v.string(),
  /** chance-like score in [0, 1]: 1 − Π(1 − weight) over the evidence */
  risk: n,
  level: v.picklist(['high', 'medium', 'low', 'none']),
  evidence: v.array(v.object({ factor: v.string(), weight: n, detail: v.string() })),
  /** each disk's risk from its SMART attributes (the trained model), highest first */
  disks: v.array(DiskRiskRow),
  /** what the platform had to judge from ("no SMART data", "inlet temperature, 168 h", …) */
  coverage: v.array(v.string()),
});

/** Storage systems' disk risk: every level by default, so that an array without SMART data is listed as such. */
export const StorageDiskRiskQuery = v.strictObject({
  ...FailureRiskQuery.entries,
  level: v.optional(v.picklist(['none', 'low', 'medium', 'high'], 'must be none, low, medium or high'), 'none'),
});

export const StorageDiskRisk = v.object({
  storage_id: n,
  name: v.string(),
  storage_type: v.string(),
  rack_id: v.nullable(n),
  rack: v.nullable(v.string()),
  datacenter_id: n,
  datacenter: v.string(),
  /** high: members at risk as many as the RAID layout may lose; medium: fewer; low: a counter moved; none */
  level: v.picklist(['high', 'medium', 'low', 'none']),
  /** members the trained disk model flags */
  at_risk: n,
  /** the highest member risk, null without SMART data */
  worst_risk: v.nullable(n),
  disks_reporting: n,
  disk_count: n,
  fault_tolerance_disks: v.nullable(n),
  evidence: v.array(v.string()),
  /** what there was to judge from ("no SMART data received", "SMART of 10 of 12 disks") */
  coverage: v.string(),
  /** each reporting member's risk, highest first */
  disks: v.array(DiskRiskRow),
});
