// The one internal form both NetBox shapes (REST export, dumpdata) are read into: references are plain ids,
// choices their values, decimals numbers, related names resolved.

export type NbId = number;

export interface NbSite {
  id: NbId;
  name: string;
  status: string | null;
  facility: string | null;
  physical_address: string | null;
  region: string | null;
  description: string | null;
}
export interface NbRack {
  id: NbId;
  name: string;
  site: NbId | null;
  location: string | null;
  status: string | null;
  role: string | null;
  facility_id: string | null;
  u_height: number | null;
  starting_unit: number;
}
export interface NbDeviceType {
  id: NbId;
  manufacturer: string;
  model: string;
  slug: string;
  part_number: string | null;
  u_height: number;
  is_full_depth: boolean;
  airflow: string | null;
  weight: number | null;
  weight_unit: string | null;
  power_outlets: number | null;
  comments: string | null;
}
export interface NbDevice {
  id: NbId;
  name: string | null;
  device_type: NbId | null;
  /** role slug (lower case) and name */
  role: string | null;
  role_name: string | null;
  site: NbId | null;
  rack: NbId | null;
  position: number | null;
  /** 'front' | 'rear' in a rack, null (or '') for zero-U and unracked devices */
  face: string | null;
  parent_device: NbId | null;
  status: string | null;
  serial: string | null;
  asset_tag: string | null;
  platform: string | null;
  primary_ip4: string | null;
  primary_ip6: string | null;
  oob_ip: string | null;
  power_outlets: number | null;
  custom_fields: Record<string, unknown>;
}
export interface NbPowerPanel {
  id: NbId;
  name: string;
  site: NbId | null;
}
export interface NbPowerFeed {
  id: NbId;
  name: string;
  power_panel: NbId | null;
  rack: NbId | null;
  status: string | null;
  type: string | null;
  supply: string | null;
  phase: string | null;
  voltage: number | null;
  amperage: number | null;
  max_utilization: number | null;
}
export interface NbInterface {
  id: NbId;
  device: NbId | null;
  name: string;
  type: string | null;
  speed: number | null;
  enabled: boolean;
  mgmt_only: boolean;
  description: string | null;
}
export interface NbTermination {
  type: string;
  id: NbId;
  /** the device of the port when the export names it (REST does; dumpdata only for power ports, through them) */
  device: NbId | null;
  /** the port's name when the export gives it (REST) */
  name?: string | null;
}
export interface NbCable {
  id: NbId;
  a: NbTermination[];
  b: NbTermination[];
  type: string | null;
  status: string | null;
  label: string | null;
  length: number | null;
  length_unit: string | null;
}
export interface NbCluster {
  id: NbId;
  name: string;
  type: string | null;
}
export interface NbVm {
  id: NbId;
  name: string;
  status: string | null;
  device: NbId | null;
  cluster: NbId | null;
  vcpus: number | null;
  memory: number | null;
  disk: number | null;
  platform: string | null;
}

export interface NbData {
  sites: NbSite[];
  racks: NbRack[];
  deviceTypes: NbDeviceType[];
  devices: NbDevice[];
  powerPanels: NbPowerPanel[];
  powerFeeds: NbPowerFeed[];
  interfaces: NbInterface[];
  cables: NbCable[];
  clusters: NbCluster[];
  vms: NbVm[];
  /** object types that were read for their names only (manufacturers, roles, platforms, …): type → count */
  lookups: Record<string, number>;
  /** object types we have nothing for (regions, tenants, locations, prefixes, …): type → count */
  other: Record<string, number>;
}

export interface FieldError {
  field: string;
  message: string;
}
