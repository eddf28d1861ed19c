// The seams between the executor and the things it drives. Targets are site names (a libvirt host, a docker or
// kubernetes cluster), never platform ids: the hypervisor and the orchestrator know none of ours.
import type { DriverName, ObservedVm, ObservedWorkload } from '../../worker/virtualization/agent-protocol.ts';

export type Output = Record<string, unknown>;
export type VmState = ObservedVm['state'];
export type Progress = (step: string, detail?: Record<string, unknown>) => void;

export interface VmSpec {
  cpu_cores: number;
  ram_gb: number;
  disk_gb?: number;
  os?: string;
  network_type?: string;
  vlan?: string;
}

/** A host or cluster the last list() could not reach, and why (the others were listed all the same). */
export interface Unreached {
  target: string;
  error: string;
}

export interface VmDriver {
  readonly name: DriverName;
  hosts(): string[];
  list(): Promise<ObservedVm[]>;
  /** the hosts the last list() could not reach */
  unreachable?(): Unreached[];
  /** null when the host has no such VM: lets the executor recover an operation a crash interrupted */
  state(host: string, vm: string): Promise<VmState | null>;
  snapshotList(host: string, vm: string): Promise<string[]>;
  create(host: string, vm: string, spec: VmSpec): Promise<Output>;
  delete(host: string, vm: string): Promise<Output>;
  start(host: string, vm: string): Promise<Output>;
  stop(host: string, vm: string): Promise<Output>;
  restart(host: string, vm: string): Promise<Output>;
  migrate(host: string, vm: string, targetHost: string, live: boolean): Promise<Output>;
  snapshotCreate(host: string, vm: string, snapshot: string): Promise<Output>;
  snapshotRevert(host: string, vm: string, snapshot: string): Promise<Output>;
  snapshotDelete(host: string, vm: string, snapshot: string): Promise<Output>;
  clone(host: string, vm: string, cloneName: string, snapshot?: string): Promise<Output>;
  close(): Promise<void>;
}

export interface WorkloadRef {
  cluster: string;
  namespace: string;
  name: string;
}

export interface RolloutOptions {
  image: string;
  container?: string;
  max_unavailable: number;
  max_surge: number;
  batch_size: number;
}

export interface RunContext {
  progress: Progress;
  /** aborted when the platform cancels the operation: a rolling update stops and rolls back */
  signal: AbortSignal;
  /**
   * Where a rolling update may be held: resolves at once unless the platform paused the operation, else once it
   * resumes; rejects when `signal` aborts (at once if it has).
   */
  checkpoint(): Promise<void>;
  /** whether the platform holds the operation paused now */
  isPaused(): boolean;
  /** called on each pause (true) and resume (false) of the operation; returns the unsubscribe */
  onPause(listener: (paused: boolean) => void): () => void;
}

/**
 * A context that is never cancelled nor paused, for what must run to its end once begun: putting the previous
 * image back after a failed or cancelled update.
 */
export function detached(progress: Progress): RunContext {
  return {
    progress,
    signal: new AbortController().signal,
    checkpoint: async () => {},
    isPaused: () => false,
    onPause: () => () => {},
  };
}

export interface WorkloadDriver {
  readonly name: DriverName;
  clusters(): string[];
  list(): Promise<ObservedWorkload[]>;
  /** the clusters the last list() could not reach */
  unreachable?(): Unreached[];
  scale(ref: WorkloadRef, replicas: number): Promise<Output>;
  /** a failed rollout is rolled back to the previous image before this rejects */
  setImage(ref: WorkloadRef, options: RolloutOptions, ctx: RunContext): Promise<Output>;
  /** back to the image the last setImage replaced */
  rollback(ref: WorkloadRef, ctx: RunContext): Promise<Output>;
  close(): Promise<void>;
}

/** A driver that cannot do something says so in these words, never pretends. */
export class NotSupported extends Error {
  constructor(driver: string, what: string) {
    super(`${what} is not supported by the ${driver} driver`);
  }
}
