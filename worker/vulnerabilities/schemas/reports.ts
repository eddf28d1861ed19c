import * as v from 'valibot';

// Only valibot here: the UI imports these. Answers of the scan, risk and configuration endpoints.

export const ScanResult = v.object({
  scanned_assets: v.number(),
  open: v.number(),
  new: v.number(),
  fixed: v.number(),
  agent_labels_used: v.pipe(
    v.number(),
    v.description('servers whose OS or BIOS version came from node_exporter labels'),
  ),
});

const Bucket = {
  score: v.number(),
  open: v.number(),
  by_severity: v.record(v.string(), v.number()),
  known_exploited: v.number(),
  overdue_kev: v.number(),
};

export const RiskReport = v.object({
  generated_at: v.string(),
  method: v.string(),
  total: v.object(Bucket),
  datacenters: v.array(v.object({ id: v.number(), name: v.string(), ...Bucket })),
  racks: v.array(
    v.object({ id: v.number(), name: v.string(), datacenter_id: v.number(), datacenter_name: v.string(), ...Bucket }),
  ),
});

export const ConfigFinding = v.object({
  rule: v.string(),
  title: v.string(),
  severity: v.string(),
  asset_kind: v.string(),
  asset_id: v.number(),
  asset_name: v.string(),
  link: v.string(),
  rack_id: v.nullable(v.number()),
  datacenter_id: v.nullable(v.number()),
  explanation: v.string(),
});

export const ConfigReport = v.object({
  generated_at: v.string(),
  findings: v.array(ConfigFinding),
  notes: v.array(v.string()),
});
