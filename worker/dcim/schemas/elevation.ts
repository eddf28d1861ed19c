// Output shape of a rack elevation, declared for the OpenAPI document and the UI's generated types;
// worker/dcim/elevation.ts builds it.
import * as v from 'valibot';
import { Rack } from './rack';

const n = v.number();
const nullableText = v.nullable(v.string());

export const ElevationDevice = v.object({
  kind: v.pipe(v.picklist(['server', 'storage', 'network', 'pdu']), v.description('Which table the device is in')),
  id: n,
  name: v.string(),
  u_position: v.pipe(v.nullable(n), v.description('null: zero-U (a vertical PDU)')),
  u_size: n,
  power_supply_w: n,
  device_type: v.pipe(v.string(), v.description('server_type, storage_type, network device_type, or "PDU"')),
  status: v.string(),
  health: v.string(),
  manufacturer: nullableText,
  model: nullableText,
  face: v.pipe(v.picklist(['front', 'rear']), v.description('The face it is installed from')),
  is_full_depth: v.pipe(v.boolean(), v.description('false: half depth, sharing its U with a device on the other face')),
});

export const Elevation = v.object({
  // the stored row, without the list's computed fields
  rack: v.omit(Rack, ['datacenter_name', 'server_count', 'device_count', 'used_u', 'allocated_w']),
  rack_id: n,
  u_capacity: n,
  used_u: n,
  free_u: n,
  utilization_pct: n,
  power: v.object({ capacity_w: n, allocated_w: n, utilization_pct: n }),
  units: v.array(
    v.object({
      u: n,
      device_id: v.pipe(v.nullable(n), v.description('the device seen at this U from the front')),
      kind: v.nullable(v.string()),
      rear_device_id: v.pipe(v.nullable(n), v.description('the device seen at this U from the rear')),
      rear_kind: v.nullable(v.string()),
    }),
  ),
  devices: v.array(ElevationDevice),
  free_ranges: v.pipe(
    v.array(v.object({ from: n, to: n, size: n })),
    v.description('runs free on both faces, largest first'),
  ),
});
