// An operation whose start is journaled but whose result is not was cut off by a crash. Where the hypervisor's
// state tells whether it took effect, that state is the answer (vm.start on a running VM is a success); where it
// cannot tell (restart, snapshot revert) the operation runs again, since running either twice does no harm beyond
// a second reboot or revert. Workload operations are declarative (this many replicas, this image), so running
// them again converges to the same end.
import type { Operation } from '../worker/virtualization/agent-protocol.ts';
import type { Output, VmDriver } from './drivers/types.ts';
import { parseParams } from './params.ts';

export async function alreadyDone(op: Operation, vm: VmDriver | undefined): Promise<Output | null> {
  if (op.target.kind !== 'vm' || !vm) return null;
  const { host, name } = op.target;
  const state = () => vm.state(host, name);
  switch (op.kind) {
    case 'vm.create':
      return (await state()) !== null ? { name, host, recovered: true } : null;
    case 'vm.delete':
      return (await state()) === null ? { deleted: true, recovered: true } : null;
    case 'vm.start':
      return (await state()) === 'running' ? { name, host, state: 'running', recovered: true } : null;
    case 'vm.stop':
      return (await state()) === 'stopped' ? { name, host, state: 'stopped', recovered: true } : null;
    case 'vm.migrate': {
      const { target_host } = parseParams('vm.migrate', op.params);
      const moved = (await state()) === null && (await vm.state(target_host, name)) !== null;
      return moved ? { name, host: target_host, recovered: true } : null;
    }
    case 'vm.snapshot.create':
    case 'vm.snapshot.delete': {
      const { snapshot } = parseParams(op.kind, op.params);
      if ((await state()) === null) return null;
      const has = (await vm.snapshotList(host, name)).includes(snapshot);
      return has === (op.kind === 'vm.snapshot.create') ? { snapshot, recovered: true } : null;
    }
    case 'vm.clone': {
      const { clone_name } = parseParams('vm.clone', op.params);
      return (await vm.state(host, clone_name)) !== null ? { name: clone_name, source: name, recovered: true } : null;
    }
    default:
      return null;
  }
}
