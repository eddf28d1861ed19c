// A believable, deterministic demo estate: the same seed always yields the same datacenters, racks and servers.
// Pure data generation; worker/demo/seed.ts writes it through the same services the API uses.
import { mulberry32, type Random } from '../../util/random';

export interface PlannedDatacenter {
  name: string;
  location: string;
  tier: string;
  total_space_sqm: number;
  power_capacity_mw: number;
  cooling_capacity_mw: number;
  pue_target: number;
  certifications: string[];
  status: string;
}
export interface PlannedRack {
  dc: number;
  name: string;
  location: string;
  row: string;
  position: number;
  u_capacity: number;
  power_capacity_kw: number;
  cooling_type: string;
  security_zone: string;
  profile: RackProfile;
}
export interface PlannedServer {
  rack: number;
  name: string;
  server_type: string;
  manufacturer: string;
  model: string;
  serial_number: string;
  u_position: number;
  u_size: number;
  cpu_model: string;
  cpu_cores: number;
  ram_gb: number;
  storage_tb: number;
  power_supply_w: number;
  os: string;
  ip_address: string;
  management_ip: string;
  status: string;
  health: string;
  warranty_expires: string;
  purchase_date: string;
  purchase_cost: number;
}

type RackProfile = 'compute' | 'gpu' | 'storage' | 'database' | 'edge';

interface Model {
  manufacturer: string;
  model: string;
  type: string;
  u: number;
  cpu: string;
  cores: number;
  ram: number[];
  storage: number[];
  psu: number;
  cost: number;
  os: readonly string[];
  role: string;
  serial: (r: Random) => string;
}

const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const chars = (r: Random, n: number, set = ALNUM) =>
  Array.from({ length: n }, () => set[Math.floor(r.next() * set.length)]).join('');
const digits = (r: Random, n: number) => chars(r, n, '0123456789');

const LINUX = ['Ubuntu 22.04 LTS', 'Ubuntu 24.04 LTS', 'Red Hat Enterprise Linux 9.4', 'Rocky Linux 9.4'] as const;
const HYPERVISOR = ['VMware ESXi 8.0 U3', 'Proxmox VE 8.2', 'Ubuntu 24.04 LTS'] as const;

const MODELS: Record<string, Model> = {
  r760: {
    manufacturer: 'Dell',
    model: 'PowerEdge R760',
    type: 'Compute',
    u: 2,
    cpu: 'Intel Xeon Gold 6448Y',
    cores: 64,
    ram: [512, 768, 1024],
    storage: [3.84, 7.68],
    psu: 1400,
    cost: 24_500,
    os: HYPERVISOR,
    role: 'hv',
    serial: (r) => chars(r, 7),
  },
  r660: {
    manufacturer: 'Dell',
    model: 'PowerEdge R660',
    type: 'Compute',
    u: 1,
    cpu: 'Intel Xeon Gold 6430',
    cores: 64,
    ram: [256, 512],
    storage: [1.92, 3.84],
    psu: 1100,
    cost: 16_800,
    os: LINUX,
    role: 'app',
    serial: (r) => chars(r, 7),
  },
  dl380: {
    manufacturer: 'HPE',
    model: 'ProLiant DL380 Gen11',
    type: 'Compute',
    u: 2,
    cpu: 'Intel Xeon Platinum 8462Y+',
    cores: 64,
    ram: [512, 1024],
    storage: [3.84, 7.68],
    psu: 1600,
    cost: 27_900,
    os: LINUX,
    role: 'k8s',
    serial: (r) => `CZ${digits(r, 4)}${chars(r, 4)}`,
  },
  dl360: {
    manufacturer: 'HPE',
    model: 'ProLiant DL360 Gen11',
    type: 'Compute',
    u: 1,
    cpu: 'Intel Xeon Gold 6438N',
    cores: 64,
    ram: [256, 512],
    storage: [1.92],
    psu: 1000,
    cost: 15_400,
    os: LINUX,
    role: 'web',
    serial: (r) => `CZ${digits(r, 4)}${chars(r, 4)}`,
  },
  sr650: {
    manufacturer: 'Lenovo',
    model: 'ThinkSystem SR650 V3',
    type: 'Compute',
    u: 2,
    cpu: 'Intel Xeon Gold 6442Y',
    cores: 48,
    ram: [384, 768],
    storage: [3.84, 7.68],
    psu: 1100,
    cost: 21_300,
    os: LINUX,
    role: 'app',
    serial: (r) => `J${digits(r, 3)}${chars(r, 4)}`,
  },
  as2125: {
    manufacturer: 'Supermicro',
    model: 'AS-2125HS-TNR',
    type: 'Compute',
    u: 2,
    cpu: 'AMD EPYC 9654',
    cores: 192,
    ram: [768, 1536],
    storage: [7.68, 15.36],
    psu: 1600,
    cost: 31_200,
    os: LINUX,
    role: 'hpc',
    serial: (r) => `S${digits(r, 9)}`,
  },
  ssg640: {
    manufacturer: 'Supermicro',
    model: 'SuperStorage SSG-640SP-E1CR90',
    type: 'Storage',
    u: 4,
    cpu: 'Intel Xeon Gold 6438N',
    cores: 64,
    ram: [512],
    storage: [1440, 1800],
    psu: 2600,
    cost: 68_000,
    os: ['Ubuntu 22.04 LTS', 'TrueNAS SCALE 24.10'],
    role: 'stor',
    serial: (r) => `S${digits(r, 9)}`,
  },
  r760xd2: {
    manufacturer: 'Dell',
    model: 'PowerEdge R760xd2',
    type: 'Storage',
    u: 2,
    cpu: 'Intel Xeon Silver 4410Y',
    cores: 24,
    ram: [256],
    storage: [480, 576],
    psu: 1400,
    cost: 39_500,
    os: ['Red Hat Enterprise Linux 9.4'],
    role: 'ceph',
    serial: (r) => chars(r, 7),
  },
  dl380db: {
    manufacturer: 'HPE',
    model: 'ProLiant DL380 Gen11',
    type: 'Database',
    u: 2,
    cpu: 'Intel Xeon Platinum 8480+',
    cores: 112,
    ram: [2048, 4096],
    storage: [30.72, 61.44],
    psu: 1800,
    cost: 58_000,
    os: ['Red Hat Enterprise Linux 9.4', 'Oracle Linux 9.4'],
    role: 'db',
    serial: (r) => `CZ${digits(r, 4)}${chars(r, 4)}`,
  },
  sr850: {
    manufacturer: 'Lenovo',
    model: 'ThinkSystem SR850 V3',
    type: 'Database',
    u: 2,
    cpu: 'Intel Xeon Platinum 8490H',
    cores: 240,
    ram: [4096],
    storage: [61.44],
    psu: 2600,
    cost: 96_000,
    os: ['SUSE Linux Enterprise 15 SP6'],
    role: 'hana',
    serial: (r) => `J${digits(r, 3)}${chars(r, 4)}`,
  },
  dgx: {
    manufacturer: 'NVIDIA',
    model: 'DGX H100',
    type: 'GPU',
    u: 8,
    cpu: '2x Intel Xeon Platinum 8480C',
    cores: 112,
    ram: [2048],
    storage: [30.72],
    psu: 10_200,
    cost: 373_000,
    os: ['DGX OS 6.2'],
    role: 'gpu',
    serial: (r) => `1652${digits(r, 9)}`,
  },
  xe9680: {
    manufacturer: 'Dell',
    model: 'PowerEdge XE9680',
    type: 'GPU',
    u: 6,
    cpu: 'Intel Xeon Platinum 8468',
    cores: 96,
    ram: [2048],
    storage: [15.36],
    psu: 8_400,
    cost: 298_000,
    os: ['Ubuntu 22.04 LTS'],
    role: 'gpu',
    serial: (r) => chars(r, 7),
  },
};

/** The server models as device-type templates (two redundant supplies of the model's rating each). */
export const demoDeviceTypes = () =>
  // one template per manufacturer and model (a GPU build of a chassis is the same device type)
  [...new Map(Object.values(MODELS).map((m) => [`${m.manufacturer} ${m.model}`, m])).values()].map((m) => ({
    manufacturer: m.manufacturer,
    model: m.model,
    kind: 'server' as const,
    u_height: m.u,
    is_full_depth: true,
    power_ports: [1, 2].map((i) => ({ name: `PSU${i}`, type: 'iec-60320-c14', maximum_draw: m.psu })),
  }));

const PROFILE_MODELS: Record<RackProfile, string[]> = {
  compute: ['r760', 'r660', 'dl380', 'dl360', 'sr650', 'as2125'],
  gpu: ['dgx', 'xe9680'],
  storage: ['ssg640', 'r760xd2'],
  database: ['dl380db', 'sr850'],
  edge: ['r660', 'dl360'],
};

interface SiteSpec {
  dc: PlannedDatacenter;
  code: string;
  rows: string[];
  /** rack profiles laid out row by row */
  layout: RackProfile[];
}

const SITES: SiteSpec[] = [
  {
    code: 'NYC1',
    dc: {
      name: 'DC-NYC-1',
      location: 'Secaucus, New Jersey, USA',
      tier: 'Tier 4',
      total_space_sqm: 6500,
      power_capacity_mw: 12,
      cooling_capacity_mw: 9,
      pue_target: 1.28,
      certifications: ['ISO 27001', 'SOC 2', 'PCI DSS', 'HIPAA'],
      status: 'active',
    },
    rows: ['A', 'B', 'C', 'D'],
    layout: [
      'edge',
      'edge',
      'compute',
      'compute',
      'compute',
      'compute',
      'compute',
      'compute',
      'database',
      'database',
      'storage',
      'storage',
      'gpu',
      'gpu',
      'gpu',
      'compute',
    ],
  },
  {
    code: 'PAR1',
    dc: {
      name: 'DC-PAR-1',
      location: 'Saint-Denis, Paris, France',
      tier: 'Tier 3',
      total_space_sqm: 4200,
      power_capacity_mw: 8,
      cooling_capacity_mw: 6,
      pue_target: 1.35,
      certifications: ['ISO 27001', 'ISO 50001', 'SOC 2', 'GDPR'],
      status: 'active',
    },
    rows: ['A', 'B', 'C'],
    layout: [
      'edge',
      'compute',
      'compute',
      'compute',
      'compute',
      'compute',
      'database',
      'storage',
      'storage',
      'gpu',
      'compute',
      'compute',
      'database',
      'compute',
    ],
  },
  {
    code: 'SIN1',
    dc: {
      name: 'DC-SIN-1',
      location: 'Jurong, Singapore',
      tier: 'Tier 3',
      total_space_sqm: 3000,
      power_capacity_mw: 5,
      cooling_capacity_mw: 4,
      pue_target: 1.45,
      certifications: ['ISO 27001', 'SOC 2', 'PCI DSS'],
      status: 'active',
    },
    rows: ['A', 'B'],
    layout: ['edge', 'compute', 'compute', 'compute', 'database', 'storage', 'gpu', 'compute', 'compute', 'compute'],
  },
];

function rackShape(profile: RackProfile, r: Random, code: string) {
  switch (profile) {
    case 'gpu':
      return {
        u: 48,
        kw: 50,
        cooling: code === 'SIN1' ? 'Immersion' : r.pick(['Liquid Cooling', 'Rear-Door Heat Exchanger']),
        zone: 'Confidential',
      };
    case 'database':
      return { u: 42, kw: 20, cooling: 'In-Row', zone: r.chance(0.5) ? 'Top Secret' : 'Confidential' };
    case 'storage':
      return { u: 42, kw: 20, cooling: 'Air Cooling', zone: 'Internal' };
    case 'edge':
      return { u: 42, kw: 10, cooling: 'Air Cooling', zone: 'Public' };
    default:
      return {
        u: 42,
        kw: r.pick([17.3, 20, 22, 24]),
        cooling: r.pick(['Air Cooling', 'Air Cooling', 'In-Row']),
        zone: 'Internal',
      };
  }
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The demo estate. `scale` multiplies the rack count per site (benchmarks use it to reach 10,000 servers);
 * scale 1 gives 40 racks and roughly 400 servers. Purchase dates lie before `today`, so the capacity forecast
 * learns a growth history whenever the demo is seeded.
 */
export function demoEstate(seed = 20261129, scale = 1, today = new Date()) {
  const r = mulberry32(seed);
  const day0 = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const monthsAgo = (months: number) => new Date(day0 - (months * 30.4375 + r.int(0, 29)) * 86_400_000);
  const datacenters = SITES.map((s) => s.dc);
  const racks: PlannedRack[] = [];
  const servers: PlannedServer[] = [];
  const perRole = new Map<string, number>();
  const serials = new Set<string>();

  SITES.forEach((site, dcIndex) => {
    const layout = Array.from({ length: scale }, () => site.layout).flat();
    layout.forEach((profile, i) => {
      const perRow = Math.ceil(layout.length / site.rows.length);
      const row = site.rows[Math.floor(i / perRow)];
      const position = (i % perRow) + 1;
      const shape = rackShape(profile, r, site.code);
      const rackIndex = racks.length;
      racks.push({
        dc: dcIndex,
        name: `${site.code}-${row}${String(position).padStart(2, '0')}`,
        location: `Hall 1, Row ${row}, Position ${position}`,
        row,
        position,
        u_capacity: shape.u,
        power_capacity_kw: shape.kw,
        cooling_type: shape.cooling,
        security_zone: shape.zone,
        profile,
      });

      // fill from U1 upwards, keeping the top 2U for patch panels and leaving some racks part-empty for growth
      const fillTarget = profile === 'gpu' ? 0.9 : r.int(60, 92) / 100;
      let u = 1;
      let watts = 0;
      for (let attempts = 0; attempts < 60; attempts++) {
        const m = MODELS[r.pick(PROFILE_MODELS[profile])];
        if (u + m.u - 1 > shape.u - 2 || (u - 1 + m.u) / shape.u > fillTarget) break;
        if (watts + m.psu > shape.kw * 1000 * 0.85) break; // keep 15% power headroom, as operators plan
        const n = (perRole.get(m.role) ?? 0) + 1;
        perRole.set(m.role, n);
        // mostly kit of the last four years under a 5-year warranty, bought at a growing pace (more of it
        // recent), GPUs in the last two and a half, plus a tail of older servers kept past their warranty
        const old = r.chance(0.08);
        const bought =
          m.type === 'GPU'
            ? monthsAgo(r.int(0, 30))
            : old
              ? monthsAgo(r.int(72, 96))
              : monthsAgo(Math.floor(48 * r.next() ** 1.4));
        const warrantyYears = m.type === 'GPU' ? 3 : old ? 3 : r.pick([5, 5, 5, 4]);
        const status = r.chance(0.9) ? 'active' : r.pick(['maintenance', 'maintenance', 'offline', 'decommissioned']);
        let serial = m.serial(r);
        while (serials.has(serial)) serial = m.serial(r);
        serials.add(serial);
        servers.push({
          rack: rackIndex,
          name: `${site.code.toLowerCase()}-${m.role}-${String(n).padStart(3, '0')}`,
          server_type: m.type,
          manufacturer: m.manufacturer,
          model: m.model,
          serial_number: serial,
          u_position: u,
          u_size: m.u,
          cpu_model: m.cpu,
          cpu_cores: m.cores,
          ram_gb: r.pick(m.ram),
          storage_tb: r.pick(m.storage),
          power_supply_w: m.psu,
          os: r.pick(m.os),
          ip_address: `10.${dcIndex * 16 + Math.floor(rackIndex / 250)}.${rackIndex % 250}.${10 + (servers.length % 200)}`,
          management_ip: `10.${128 + dcIndex * 16 + Math.floor(rackIndex / 250)}.${rackIndex % 250}.${10 + (servers.length % 200)}`,
          status,
          health:
            status === 'offline' ? 'unknown' : r.chance(0.92) ? 'healthy' : r.pick(['warning', 'warning', 'critical']),
          warranty_expires: iso(new Date(bought.getTime() + warrantyYears * 365.25 * 86_400_000)),
          purchase_date: iso(bought),
          purchase_cost: Math.round(m.cost * (0.85 + r.next() * 0.3)),
        });
        u += m.u + (r.chance(0.15) ? 1 : 0);
        watts += m.psu;
      }
    });
  });
  return { datacenters, racks, servers };
}

/** Demo accounts for each role (local development only; the seed refuses to run in production). */
export const DEMO_USERS = [
  {
    username: 'ops.lead',
    email: 'ops.lead@example.com',
    full_name: 'Olivia Park (Operations)',
    role: 'operator',
    clearance: 'Confidential',
  },
  {
    username: 'noc.viewer',
    email: 'noc@example.com',
    full_name: 'NOC wall display',
    role: 'viewer',
    clearance: 'Internal',
  },
  {
    username: 'auditor',
    email: 'audit@example.com',
    full_name: 'Ahmed Rahman (Internal Audit)',
    role: 'auditor',
    clearance: 'Top Secret',
  },
] as const;
export const DEMO_PASSWORD = 'demo-password-2026';
