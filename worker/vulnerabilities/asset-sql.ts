// Per-kind lookups of a finding's asset as SQL expressions over `a` (a row with asset_kind and asset_id): its name,
// rack and datacenter. A VM sits in its host's rack. Identifiers only, no request data.

const pick = (a: string, column: (t: string) => string) =>
  `(CASE ${a}.asset_kind` +
  ` WHEN 'server' THEN (SELECT ${column('x')} FROM servers x WHERE x.id = ${a}.asset_id)` +
  ` WHEN 'vm' THEN (SELECT ${column('x').replace(/\bx\.rack_id\b/g, 'h.rack_id')} FROM vms x JOIN servers h ON h.id = x.host_server_id WHERE x.id = ${a}.asset_id)` +
  ` WHEN 'network_device' THEN (SELECT ${column('x')} FROM network_devices x WHERE x.id = ${a}.asset_id)` +
  ` WHEN 'storage_system' THEN (SELECT ${column('x')} FROM storage_systems x WHERE x.id = ${a}.asset_id)` +
  ' END)';

export const assetNameSql = (a: string) => pick(a, (t) => `${t}.name`);
export const assetRackSql = (a: string) => pick(a, (t) => `${t}.rack_id`);
/** A storage system may hang off a datacenter without a rack: its own datacenter_id then. */
export const assetDatacenterSql = (a: string) =>
  `coalesce((SELECT r.datacenter_id FROM racks r WHERE r.id = ${assetRackSql(a)}), ` +
  `(CASE ${a}.asset_kind WHEN 'storage_system' THEN (SELECT x.datacenter_id FROM storage_systems x WHERE x.id = ${a}.asset_id) END))`;
