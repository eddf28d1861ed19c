// From an operation to the one driver call it means. Every way an operation can miss a driver (not configured,
// wrong kind of driver, unknown host or cluster) ends in an error that names what is missing.
import type { DriverName, Operation } from '../worker/virtualization/agent-protocol.ts';
import type { Output, RunContext, VmDriver, WorkloadDriver } from './drivers/types.ts';
import type { HostDriver } from './drivers/host.ts';
import { parseParams } from './params.ts';

export interface Drivers {
  libvirt?: VmDriver;
  docker?: WorkloadDriver;
  kubernetes?: WorkloadDriver;
  host?: HostDriver;
}

const FLAG: Record<DriverName, string> = {
  libvirt: '--libvirt <host>=<uri>',
  docker: '--docker <cluster>=<url>',
  kubernetes: '--kubeconfig <file>',
  host: '--host-config <file>',
};

function notConfigured(driver: DriverName): Error {
  return new Error(`the ${driver} driver is not configured on this agent (start it with ${FLAG[driver]})`);
}

export function vmDriverFor(op: Operation, drivers: Drivers): VmDriver {
  const t = op.target;
  if (t.kind !== 'vm') throw new Error(`${op.kind} needs a vm target, got a ${t.kind}`);
  if (t.driver !== 'libvirt') throw new Error(`${t.driver} drives workloads, not VMs`);
  const d = drivers.libvirt;
  if (!d) throw notConfigured('libvirt');
  if (!d.hosts().includes(t.host))
    throw new Error(
      `libvirt host '${t.host}' is not configured on this agent (configured: ${d.hosts().join(', ') || 'none'})`,
    );
  return d;
}

export function workloadDriverFor(op: Operation, drivers: Drivers): WorkloadDriver {
  const t = op.target;
  if (t.kind !== 'workload') throw new Error(`${op.kind} needs a workload target, got a ${t.kind}`);
  if (t.driver === 'libvirt') throw new Error('libvirt drives VMs, not workloads');
  if (t.driver === 'host') throw new Error('the host driver drives servers, not workloads');
  const d = drivers[t.driver];
  if (!d) throw notConfigured(t.driver);
  if (!d.clusters().includes(t.cluster))
    throw new Error(
      `${t.driver} cluster '${t.cluster}' is not configured on this agent (configured: ${d.clusters().join(', ') || 'none'})`,
    );
  return d;
}

/** Checks the target and params first, so nothing is half-done by an operation that could never succeed. */
export function prepare(op: Operation, drivers: Drivers): (ctx: RunContext) => Promise<Output> {
  if (op.kind.startsWith('host.')) return prepareHost(op, drivers);
  if (op.kind.startsWith('vm.')) {
    const d = vmDriverFor(op, drivers);
    const { host, name } = op.target as { host: string; name: string };
    switch (op.kind) {
      case 'vm.create': {
        const p = parseParams('vm.create', op.params);
        const spec = {
          cpu_cores: p.cpu_cores,
          ram_gb: p.ram_gb,
          ...(p.disk_gb ? { disk_gb: p.disk_gb } : {}),
          ...(p.os ? { os: p.os } : {}),
          ...(p.network_type ? { network_type: p.network_type } : {}),
          ...(p.vlan ? { vlan: p.vlan } : {}),
        };
        return () => d.create(host, name, spec);
      }
      case 'vm.delete':
        return () => d.delete(host, name);
      case 'vm.start':
        return () => d.start(host, name);
      case 'vm.stop':
        return () => d.stop(host, name);
      case 'vm.restart':
        return () => d.restart(host, name);
      case 'vm.migrate': {
        const p = parseParams('vm.migrate', op.params);
        if (!d.hosts().includes(p.target_host))
          throw new Error(`libvirt target host '${p.target_host}' is not configured on this agent`);
        return () => d.migrate(host, name, p.target_host, p.live);
      }
      case 'vm.snapshot.create':
      case 'vm.snapshot.revert':
      case 'vm.snapshot.delete': {
        const { snapshot } = parseParams(op.kind, op.params);
        const call = {
          'vm.snapshot.create': 'snapshotCreate',
          'vm.snapshot.revert': 'snapshotRevert',
          'vm.snapshot.delete': 'snapshotDelete',
        } as const;
        const method = call[op.kind];
        return () => d[method](host, name, snapshot);
      }
      case 'vm.clone': {
        const p = parseParams('vm.clone', op.params);
        return async () => {
          const made = await d.clone(host, name, p.clone_name, p.snapshot ?? undefined);
          return p.start ? { ...made, ...(await d.start(host, p.clone_name)) } : made;
        };
      }
    }
  }
  const d = workloadDriverFor(op, drivers);
  const t = op.target as { cluster: string; namespace: string; name: string };
  const ref = { cluster: t.cluster, namespace: t.namespace, name: t.name };
  if (op.kind === 'workload.scale') {
    const { replicas } = parseParams('workload.scale', op.params);
    return () => d.scale(ref, replicas);
  }
  const p = parseParams('workload.set_image', op.params);
  const options = { ...p, container: p.container ?? undefined };
  return (ctx) => d.setImage(ref, options, ctx);
}

/** A unit or a temp dir the agent's config does not allow is refused here, before anything runs. */
function prepareHost(op: Operation, drivers: Drivers): () => Promise<Output> {
  const t = op.target;
  if (t.kind !== 'host') throw new Error(`${op.kind} needs a host target, got a ${t.kind}`);
  const d = drivers.host;
  if (!d) throw notConfigured('host');
  if (op.kind === 'host.service_restart') {
    const { unit } = parseParams('host.service_restart', op.params);
    d.checkUnit(t.host, unit);
    return () => d.restartService(t.host, unit);
  }
  const policy = parseParams('host.disk_cleanup', op.params);
  d.checkCleanup(t.host, policy);
  return () => d.cleanDisk(t.host, policy);
}
