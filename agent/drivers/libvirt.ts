// VMs through virsh, one long-lived shell per configured host (see virsh-shell.ts for why).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObservedVm } from '../../worker/virtualization/agent-protocol.ts';
import { cloneXml, domainOfSnapshot, domainXml, lineageOf, volumeDisks } from './libvirt-xml.ts';
import { NotSupported } from './types.ts';
import type { Output, VmDriver, VmSpec, VmState, Unreached } from './types.ts';
import { VirshError, VirshShell } from './virsh-shell.ts';

export interface LibvirtOptions {
  /** how long a graceful shutdown may take before the VM is powered off */
  stopTimeoutMs?: number;
  /** the storage pool new disks are created in (the test driver's is `default-pool`) */
  pool?: string;
  network?: string;
  virsh?: string;
}

const NO_DOMAIN = /failed to get domain|Domain not found|no domain with matching/i;

export function mapState(s: string): VmState {
  if (s === 'running') return 'running';
  if (s === 'shut off') return 'stopped';
  if (s === 'paused') return 'suspended';
  return 'error';
}

const isTest = (uri: string) => uri.startsWith('test:');

export class LibvirtDriver implements VmDriver {
  readonly name = 'libvirt' as const;
  private readonly shells = new Map<string, VirshShell>();
  private readonly options: LibvirtOptions;

  constructor(hosts: Record<string, string>, options: LibvirtOptions = {}) {
    this.options = options;
    for (const [host, uri] of Object.entries(hosts))
      this.shells.set(host, new VirshShell(uri, { binary: options.virsh }));
  }

  hosts(): string[] {
    return [...this.shells.keys()];
  }

  private shell(host: string): VirshShell {
    const shell = this.shells.get(host);
    if (!shell)
      throw new Error(
        `libvirt host '${host}' is not configured on this agent (configured: ${this.hosts().join(', ') || 'none'})`,
      );
    return shell;
  }

  private unreached: Unreached[] = [];

  /** Every host that answers; one that does not is reported by unreachable() and does not hide the others. */
  async list(): Promise<ObservedVm[]> {
    const out: ObservedVm[] = [];
    const unreached: Unreached[] = [];
    for (const host of this.hosts()) {
      try {
        const names = (await this.shell(host).run('list', '--all', '--name')).split('\n').filter(Boolean);
        const vms: ObservedVm[] = [];
        for (const name of names) vms.push(await this.observe(host, name));
        out.push(...vms);
      } catch (e) {
        unreached.push({ target: host, error: e instanceof Error ? e.message : String(e) });
      }
    }
    this.unreached = unreached;
    return out;
  }

  unreachable(): Unreached[] {
    return this.unreached;
  }

  private async observe(host: string, name: string): Promise<ObservedVm> {
    const info = parseFields(await this.shell(host).run('dominfo', name));
    const kib = Number.parseInt(info['Max memory'] ?? '', 10);
    return {
      driver: 'libvirt',
      host,
      name,
      uuid: info.UUID,
      state: mapState(info.State ?? ''),
      ...(info['CPU(s)'] ? { cpu_cores: Number(info['CPU(s)']) } : {}),
      ...(Number.isFinite(kib) ? { ram_gb: Math.round((kib / 1024 / 1024) * 100) / 100 } : {}),
      snapshots: await this.snapshotList(host, name),
    };
  }

  async state(host: string, vm: string): Promise<VmState | null> {
    try {
      return mapState((await this.shell(host).run('domstate', vm)).trim());
    } catch (err) {
      if (err instanceof VirshError && NO_DOMAIN.test(err.message)) return null;
      throw err;
    }
  }

  async snapshotList(host: string, vm: string): Promise<string[]> {
    return (await this.shell(host).run('snapshot-list', vm, '--name'))
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  async create(host: string, vm: string, spec: VmSpec): Promise<Output> {
    const shell = this.shell(host);
    const pool = this.options.pool ?? (isTest(shell.uri) ? 'default-pool' : 'default');
    let disk;
    if (spec.disk_gb && spec.disk_gb > 0) {
      disk = { pool, volume: `${vm}.qcow2` };
      await shell.run('vol-create-as', pool, disk.volume, `${Math.ceil(spec.disk_gb)}G`, '--format', 'qcow2');
    }
    const xml = domainXml(vm, spec, {
      domainType: isTest(shell.uri) ? 'test' : 'kvm',
      network: this.options.network ?? 'default',
      ...(disk ? { disk } : {}),
    });
    await this.define(host, xml);
    await shell.run('start', vm);
    return { ...(await this.summary(host, vm)), ...(disk ? { disk: `${pool}/${disk.volume}` } : {}) };
  }

  async delete(host: string, vm: string): Promise<Output> {
    const shell = this.shell(host);
    if ((await this.state(host, vm)) === null) return { deleted: false, reason: 'no such VM' };
    const volumes = volumeDisks(await shell.run('dumpxml', '--inactive', vm));
    if ((await this.state(host, vm)) !== 'stopped') await shell.run('destroy', vm);
    await shell.run('undefine', vm, '--snapshots-metadata');
    // only the volumes this VM's definition names as its own (type='volume'); file disks may be shared images
    for (const v of volumes) await shell.run('vol-delete', '--pool', v.pool, v.volume);
    return { deleted: true, volumes_deleted: volumes.map((v) => `${v.pool}/${v.volume}`) };
  }

  async start(host: string, vm: string): Promise<Output> {
    const state = await this.state(host, vm);
    if (state === null) throw new Error(`libvirt host '${host}' has no VM '${vm}'`);
    if (state === 'suspended') await this.shell(host).run('resume', vm);
    else if (state !== 'running') await this.shell(host).run('start', vm);
    return this.summary(host, vm);
  }

  async stop(host: string, vm: string): Promise<Output> {
    const shell = this.shell(host);
    const state = await this.state(host, vm);
    if (state === null) throw new Error(`libvirt host '${host}' has no VM '${vm}'`);
    if (state === 'stopped') return this.summary(host, vm);
    await shell.run('shutdown', vm);
    const deadline = Date.now() + (this.options.stopTimeoutMs ?? 60_000);
    while ((await this.state(host, vm)) !== 'stopped') {
      if (Date.now() > deadline) {
        // the guest ignored ACPI: a stop the platform asked for must still happen
        await shell.run('destroy', vm);
        return { ...(await this.summary(host, vm)), forced: true };
      }
      await sleep(1000);
    }
    return this.summary(host, vm);
  }

  async restart(host: string, vm: string): Promise<Output> {
    const state = await this.state(host, vm);
    if (state === null) throw new Error(`libvirt host '${host}' has no VM '${vm}'`);
    if (state === 'running') await this.shell(host).run('reboot', vm);
    else return this.start(host, vm);
    return this.summary(host, vm);
  }

  async migrate(host: string, vm: string, targetHost: string, live: boolean): Promise<Output> {
    const source = this.shell(host);
    const target = this.shell(targetHost);
    if (host === targetHost) throw new Error(`VM '${vm}' is already on '${host}'`);
    if (isTest(source.uri) && isTest(target.uri)) {
      // The test driver cannot migrate (each connection is its own in-memory hypervisor), so the move is
      // emulated: the definition is copied to the target, started there, and removed from the source.
      const wasRunning = (await this.state(host, vm)) === 'running';
      const xml = await source.run('dumpxml', '--inactive', vm);
      await this.define(targetHost, xml);
      if (wasRunning) await target.run('start', vm);
      if (wasRunning) await source.run('destroy', vm);
      await source.run('undefine', vm, '--snapshots-metadata');
      return { ...(await this.summary(targetHost, vm)), host: targetHost, emulated: true };
    }
    if (isTest(source.uri) !== isTest(target.uri))
      throw new NotSupported('libvirt', 'migrating between a test:// and a real hypervisor');
    const args = [
      'migrate',
      ...(live ? ['--live'] : ['--offline']),
      '--persistent',
      '--undefinesource',
      vm,
      target.uri,
    ];
    await source.run(...args);
    return { ...(await this.summary(targetHost, vm)), host: targetHost, live };
  }

  async snapshotCreate(host: string, vm: string, snapshot: string): Promise<Output> {
    await this.shell(host).run('snapshot-create-as', vm, snapshot);
    return { snapshot, snapshots: await this.snapshotList(host, vm) };
  }

  async snapshotRevert(host: string, vm: string, snapshot: string): Promise<Output> {
    await this.shell(host).run('snapshot-revert', vm, snapshot);
    return { snapshot, ...(await this.summary(host, vm)) };
  }

  async snapshotDelete(host: string, vm: string, snapshot: string): Promise<Output> {
    await this.shell(host).run('snapshot-delete', vm, snapshot);
    return { snapshot, snapshots: await this.snapshotList(host, vm) };
  }

  async clone(host: string, vm: string, cloneName: string, snapshot?: string): Promise<Output> {
    const shell = this.shell(host);
    let xml: string;
    if (snapshot) {
      // Real disks hold the snapshot's state inside qcow2 (internal snapshots): copying it out needs qemu-img on
      // the host, which virsh cannot drive. The test driver has no disk contents, only the definition.
      if (!isTest(shell.uri)) throw new NotSupported('libvirt', 'cloning from a snapshot (revert, then clone the VM)');
      xml = domainOfSnapshot(await shell.run('snapshot-dumpxml', vm, snapshot));
    } else {
      xml = await shell.run('dumpxml', '--inactive', vm);
    }
    const volumes = new Map<string, string>();
    for (const [i, v] of volumeDisks(xml).entries()) {
      const copy = `${cloneName}${i ? `-${i}` : ''}.qcow2`;
      await shell.run('vol-clone', '--pool', v.pool, v.volume, copy);
      volumes.set(v.volume, copy);
    }
    await this.define(host, cloneXml(xml, { name: cloneName, source: vm, volumes, ...(snapshot ? { snapshot } : {}) }));
    return { ...(await this.summary(host, cloneName)), source: vm, ...(snapshot ? { snapshot } : {}) };
  }

  /** the lineage a clone carries in its metadata (null for a VM that is no clone of ours) */
  async lineage(host: string, vm: string): Promise<{ source: string; snapshot?: string } | null> {
    return lineageOf(await this.shell(host).run('dumpxml', vm));
  }

  async close(): Promise<void> {
    await Promise.all([...this.shells.values()].map((s) => s.close()));
  }

  private async define(host: string, xml: string): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'dcp-agent-'));
    try {
      const file = join(dir, 'domain.xml');
      await writeFile(file, xml);
      await this.shell(host).run('define', file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async summary(host: string, vm: string): Promise<Output> {
    const o = await this.observe(host, vm);
    return { name: o.name, host, uuid: o.uuid, state: o.state };
  }
}

function parseFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
