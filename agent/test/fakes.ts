// Drivers that record their calls, for the executor and connection tests (the real drivers have their own tests).
import type { ObservedVm } from '../../worker/virtualization/agent-protocol.ts';
import type { Output, VmDriver, VmState } from '../drivers/types.ts';

export class RecordingVmDriver implements VmDriver {
  readonly name = 'libvirt' as const;
  calls: string[] = [];
  states = new Map<string, VmState>();
  /** how long start() takes: lets a test drop the socket mid-operation */
  delayMs = 0;
  private readonly hostNames: string[];

  constructor(hosts: string[] = ['h1']) {
    this.hostNames = hosts;
  }
  hosts() {
    return this.hostNames;
  }
  async list(): Promise<ObservedVm[]> {
    return [...this.states].map(([k, state]) => {
      const [host, name] = k.split('/');
      return { driver: 'libvirt', host, name, state };
    });
  }
  async state(host: string, vm: string) {
    return this.states.get(`${host}/${vm}`) ?? null;
  }
  async snapshotList() {
    return [];
  }
  private async record(call: string, host: string, vm: string, state?: VmState): Promise<Output> {
    this.calls.push(`${call} ${host}/${vm}`);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (state) this.states.set(`${host}/${vm}`, state);
    return { name: vm, host, ...(state ? { state } : {}) };
  }
  create(host: string, vm: string) {
    return this.record('create', host, vm, 'running');
  }
  delete(host: string, vm: string) {
    return this.record('delete', host, vm);
  }
  start(host: string, vm: string) {
    return this.record('start', host, vm, 'running');
  }
  stop(host: string, vm: string) {
    return this.record('stop', host, vm, 'stopped');
  }
  restart(host: string, vm: string) {
    return this.record('restart', host, vm, 'running');
  }
  migrate(host: string, vm: string) {
    return this.record('migrate', host, vm);
  }
  snapshotCreate(host: string, vm: string) {
    return this.record('snapshotCreate', host, vm);
  }
  snapshotRevert(host: string, vm: string) {
    return this.record('snapshotRevert', host, vm);
  }
  snapshotDelete(host: string, vm: string) {
    return this.record('snapshotDelete', host, vm);
  }
  clone(host: string, vm: string) {
    return this.record('clone', host, vm);
  }
  async close() {}
}
