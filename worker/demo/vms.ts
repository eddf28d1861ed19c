// The demo's virtual machines: deterministic like the rest of the estate, on the hypervisor hosts ('hv'), sized
// so every host keeps headroom under the default overcommit (vCPU 4:1, RAM 1:1) and some migrations are possible.
import { mulberry32 } from '../../util/random';
import type { PlannedServer } from './estate';

export interface PlannedVm {
  host: number;
  name: string;
  hypervisor: string;
  os: string;
  cpu_cores: number;
  ram_gb: number;
  disk_gb: number;
  network_type: string;
  vlan: string;
  status: string;
  owner: string;
  anti_affinity_group: string | null;
  tags: string[];
}

const SIZES = [
  { cpu: 2, ram: 4, disk: 40, role: 'web' },
  { cpu: 4, ram: 8, disk: 80, role: 'app' },
  { cpu: 4, ram: 16, disk: 120, role: 'app' },
  { cpu: 8, ram: 32, disk: 200, role: 'db' },
  { cpu: 16, ram: 64, disk: 500, role: 'db' },
  { cpu: 2, ram: 8, disk: 60, role: 'ci' },
];
const OS = ['Ubuntu 22.04', 'Ubuntu 24.04', 'Debian 12', 'Rocky Linux 9', 'Windows Server 2022'];
const TEAMS = ['team-web', 'team-payments', 'team-data', 'team-platform', 'team-ci'];
const HYPERVISORS: Record<string, string> = {
  'Proxmox VE 8.2': 'Proxmox VE',
  'VMware ESXi 8.0 U3': 'VMware ESXi',
};

export function demoVms(servers: PlannedServer[], seed = 20261206): PlannedVm[] {
  const r = mulberry32(seed);
  const vms: PlannedVm[] = [];
  const perRole = new Map<string, number>();
  servers.forEach((s, host) => {
    if (s.server_type !== 'Compute' || !s.name.includes('-hv-') || s.status !== 'active') return;
    const prefix = s.name.split('-')[0]!;
    // about half of each host's vCPUs and RAM: room left for migrations and new VMs
    let cpu = 0;
    let ram = 0;
    const count = r.int(4, 9);
    for (let i = 0; i < count; i++) {
      const size = r.pick(SIZES);
      if (cpu + size.cpu > s.cpu_cores * 2 || ram + size.ram > s.ram_gb * 0.5) break;
      cpu += size.cpu;
      ram += size.ram;
      const n = (perRole.get(`${prefix}-${size.role}`) ?? 0) + 1;
      perRole.set(`${prefix}-${size.role}`, n);
      vms.push({
        host,
        name: `${prefix}-vm-${size.role}-${String(n).padStart(2, '0')}`,
        hypervisor: HYPERVISORS[s.os] ?? 'KVM',
        os: size.role === 'db' && r.chance(0.3) ? 'Windows Server 2022' : r.pick(OS.slice(0, 4)),
        cpu_cores: size.cpu,
        ram_gb: size.ram,
        disk_gb: size.disk,
        network_type: r.chance(0.7) ? 'Bridged' : 'VLAN',
        vlan: String(100 + r.int(0, 40)),
        status: r.chance(0.88) ? 'running' : 'stopped',
        owner: size.role === 'ci' ? 'team-ci' : r.pick(TEAMS.slice(0, 4)),
        // database replicas are kept apart: one group per site, at most one member per host
        anti_affinity_group:
          size.role === 'db' && !vms.some((v) => v.host === host && v.anti_affinity_group) ? `${prefix}-db` : null,
        tags: [size.role, prefix],
      });
    }
  });
  return vms;
}
