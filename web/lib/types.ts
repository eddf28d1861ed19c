// Shapes of what the API returns. Inputs are validated with the shared valibot schemas in $schemas.

export interface Timestamps {
  id: number;
  created_at: string;
  updated_at: string;
}

export interface Datacenter extends Timestamps {
  name: string;
  location: string | null;
  tier: string;
  total_space_sqm: number | null;
  power_capacity_mw: number | null;
  cooling_capacity_mw: number | null;
  pue_target: number | null;
  certifications: string[];
  status: string;
  /** computed by the API, within the caller's clearance */
  rack_count: number;
  server_count: number;
}

export interface Rack extends Timestamps {
  name: string;
  datacenter_id: number;
  location: string | null;
  row: string | null;
  position: number | null;
  u_capacity: number;
  power_capacity_kw: number;
  cooling_type: string;
  security_zone: string;
  status: string;
  /** computed by the API */
  datacenter_name: string;
  server_count: number;
  used_u: number;
  allocated_w: number;
}

export interface Server extends Timestamps {
  name: string;
  rack_id: number;
  server_type: string;
  manufacturer: string | null;
  model: string | null;
  serial_number: string;
  u_position: number;
  u_size: number;
  cpu_model: string | null;
  cpu_cores: number | null;
  ram_gb: number | null;
  storage_tb: number | null;
  power_supply_w: number;
  os: string | null;
  ip_address: string | null;
  management_ip: string | null;
  status: string;
  health: string;
  warranty_expires: string | null;
  purchase_date: string | null;
  purchase_cost: number | null;
  /** computed by the API */
  rack_name: string;
  datacenter_id: number;
  datacenter_name: string;
}

export interface ElevationDevice {
  id: number;
  name: string;
  u_position: number;
  u_size: number;
  power_supply_w: number;
  server_type: string;
  status: string;
  health: string;
  manufacturer: string | null;
  model: string | null;
}

export interface Elevation {
  rack: Rack;
  rack_id: number;
  u_capacity: number;
  used_u: number;
  free_u: number;
  utilization_pct: number;
  power: { capacity_w: number; allocated_w: number; utilization_pct: number };
  units: { u: number; device_id: number | null }[];
  devices: ElevationDevice[];
  free_ranges: { from: number; to: number; size: number }[];
}

export interface Utilization {
  total: number;
  used: number;
  free: number;
  utilization_pct: number;
  unit: string;
}

export interface DatacenterCapacity {
  id: number;
  name: string;
  location: string | null;
  racks: number;
  servers: number;
  rack_space: Utilization;
  power: Utilization;
}

export interface DashboardMetrics {
  total_datacenters: number;
  total_racks: number;
  total_servers: number;
  active_servers: number;
  servers_by_status: Record<string, number>;
  servers_by_type: Record<string, number>;
  servers_by_health: Record<string, number>;
  pue: number | null;
  pue_source: string;
  active_alerts: number;
  rack_space: Utilization;
  power: Utilization;
  warranty: { expired: number; expiring_90d: number };
  datacenters: DatacenterCapacity[];
  generated_at: string;
}

export interface CapacityReport {
  rack_space: Utilization;
  power: Utilization;
  racks: number;
  servers: number;
  datacenters: DatacenterCapacity[];
}

export interface AuditEntry {
  id: number;
  ts: string;
  actor_id: number | null;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string | null;
  client_ip: string | null;
}

export interface User {
  id: number;
  username: string;
  email: string;
  full_name: string | null;
  role: string;
  requested_role: string | null;
  clearance: string;
  disabled: boolean;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface Me extends User {
  permissions: string[];
}

/** A sign-in session of the current user (GET /api/sessions). */
export interface SignInSession {
  id: string;
  user_id: number;
  /** how the user authenticated: "pwd", "webauthn", … */
  amr: string[];
  /** epoch seconds */
  auth_time: number;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
  client_ip: string | null;
  user_agent: string | null;
  state: 'active' | 'revoked' | 'expired' | 'idle';
  current: boolean;
}

export type TokenScope = 'read' | 'write' | 'ingest' | 'admin';

export interface ApiToken {
  id: number;
  user_id: number;
  name: string;
  /** the first characters of the secret, to recognise it */
  token_prefix: string;
  scopes: TokenScope[];
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** POST /api/tokens: the only time the secret is returned. */
export interface ApiTokenCreated extends ApiToken {
  token: string;
}

export interface AuditCheckpoint {
  id: number;
  last_entry_id: number;
  entry_count: number;
  head_hash: string;
  created_at: string;
  key_id: string;
  signature: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: { from_id: number | null; to_id: number | null; entries: number };
  unsealed: number;
  head_hash: string;
  first_broken: null | {
    id: number;
    reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'missing_entry';
    expected: string | null;
    stored: string | null;
  };
  checkpoints: {
    checked: number;
    valid: number;
    problems: { checkpoint_id: number; reason: string; detail: string }[];
  };
}
