import type { Row } from './plan';

/** What the database already holds that an import may match, read once before mapping (load.ts). */
export interface Snapshot {
  /** `${object_type}|${external_id}` → our kind and id */
  /** `object_type|external_id` → our row, and the link's detail (JSON text) */
  links: Map<string, { kind: string; id: number; detail?: string | null }>;
  datacenters: Row[];
  racks: Row[];
  deviceTypes: Row[];
  servers: Row[];
  network: Row[];
  pdus: Row[];
  storage: Row[];
  feeds: Row[];
  ports: Row[];
  cables: Row[];
  vms: Row[];
  /** every occupant of rack U slots (the rack_mounts view) */
  mounts: {
    kind: string;
    id: number;
    rack_id: number;
    u_position: number | null;
    u_size: number;
    face: 'front' | 'rear';
    is_full_depth: number | boolean;
  }[];
  /** the next free id of each table */
  nextId: Record<string, number>;
  /** whether the caller's clearance covers a rack zone */
  canSeeZone(zone: string): boolean;
}

export const emptySnapshot = (): Snapshot => ({
  links: new Map(),
  datacenters: [],
  racks: [],
  deviceTypes: [],
  servers: [],
  network: [],
  pdus: [],
  storage: [],
  feeds: [],
  ports: [],
  cables: [],
  vms: [],
  mounts: [],
  nextId: {},
  canSeeZone: () => true,
});
