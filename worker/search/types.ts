// What GET /api/search answers. No imports: the web app reads these types too (web/lib/search.ts).

/** 0 exact, 1 prefix, 2 substring: lower is better. */
export type MatchRank = 0 | 1 | 2;

export interface Hit {
  id: number;
  name: string;
  rank: MatchRank;
  /** the field that matched best (what the UI quotes under the name) */
  matched: string;
}
export interface DatacenterHit extends Hit {
  location: string | null;
  status: string;
}
export interface RackHit extends Hit {
  datacenter_id: number;
  datacenter_name: string | null;
  security_zone: string;
  status: string;
}
export interface ServerHit extends Hit {
  serial_number: string;
  ip_address: string | null;
  management_ip: string | null;
  rack_id: number;
  rack_name: string | null;
  status: string;
  health: string;
}
export interface SearchResults {
  q: string;
  datacenters: DatacenterHit[];
  racks: RackHit[];
  servers: ServerHit[];
}
