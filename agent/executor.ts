// Runs operations one at a time, in the order they arrive: started → driver call → result, with the journal in
// between so a key never runs twice. `emit` always reaches the current connection, so the result of an operation
// that outlived its socket still goes out if a new one is up (and the journal answers it otherwise).
import type {
  AgentMessage,
  DriverName,
  ObservedVm,
  ObservedWorkload,
  Operation,
} from '../worker/virtualization/agent-protocol.ts';
import { prepare } from './dispatch.ts';
import type { Drivers } from './dispatch.ts';
import type { Output } from './drivers/types.ts';
import type { Journal } from './journal.ts';
import { alreadyDone } from './recovery.ts';

export type Emit = (msg: AgentMessage) => void;
type Result = Extract<AgentMessage, { type: 'result' }>;

export interface ExecutorOptions {
  drivers: Drivers;
  /** none in dry-run: a pretend result must not be replayed as real once the agent runs for real */
  journal: Journal | null;
  dryRun: boolean;
  log: (line: string) => void;
}

export class Executor {
  private readonly o: ExecutorOptions;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly inflight = new Map<string, Promise<Result>>();
  private readonly cancels = new Map<number, AbortController>();

  constructor(options: ExecutorOptions) {
    this.o = options;
  }

  drivers(): DriverName[] {
    return (['libvirt', 'docker', 'kubernetes'] as const).filter((d) => this.o.drivers[d]);
  }

  /** Resolves with the result it also emitted. */
  submit(op: Operation, emit: Emit): Promise<Result> {
    const done = this.o.journal?.result(op.key);
    if (done) return Promise.resolve(this.send(emit, { ...resultOf(op, done), replayed: true }));
    const running = this.inflight.get(op.key);
    if (running) {
      // handed out again while it still runs (a reconnect mid-operation): answer once it is done, not twice
      return running.then((r) => this.send(emit, { ...r, id: op.id, replayed: true }));
    }
    const abort = new AbortController();
    this.cancels.set(op.id, abort);
    const run = this.queue.then(() => this.run(op, emit, abort.signal));
    this.queue = run.catch(() => undefined);
    this.inflight.set(op.key, run);
    void run.finally(() => {
      this.inflight.delete(op.key);
      this.cancels.delete(op.id);
    });
    return run;
  }

  cancel(id: number): void {
    this.cancels.get(id)?.abort(new Error('cancelled by the platform'));
  }

  /** What every configured driver reports; one that fails is logged and left out rather than failing the rest. */
  async observe(): Promise<{ vms: ObservedVm[]; workloads: ObservedWorkload[] }> {
    const { libvirt, docker, kubernetes } = this.o.drivers;
    const vms: ObservedVm[] = [];
    const workloads: ObservedWorkload[] = [];
    const tasks: Promise<void>[] = [];
    if (libvirt) tasks.push(libvirt.list().then((l) => void vms.push(...l)));
    for (const d of [docker, kubernetes]) if (d) tasks.push(d.list().then((l) => void workloads.push(...l)));
    for (const r of await Promise.allSettled(tasks))
      if (r.status === 'rejected') this.o.log(`observe failed: ${errorText(r.reason)}`);
    return { vms, workloads };
  }

  private send(emit: Emit, msg: Result): Result {
    emit(msg);
    return msg;
  }

  private async run(op: Operation, emit: Emit, signal: AbortSignal): Promise<Result> {
    const { journal, dryRun, log } = this.o;
    if (signal.aborted) return this.finish(op, emit, { ok: false, error: 'cancelled before it started' });
    emit({ type: 'started', id: op.id, key: op.key });
    if (dryRun) {
      log(`dry-run: would ${op.kind} ${describeTarget(op)} params=${JSON.stringify(op.params)}`);
      return this.send(emit, { type: 'result', id: op.id, key: op.key, ok: true, output: { dry_run: true } });
    }
    let outcome: { ok: boolean; output?: Output; error?: string };
    try {
      const call = prepare(op, this.o.drivers);
      const recovered = journal?.interrupted(op.key) ? await alreadyDone(op, this.o.drivers.libvirt) : null;
      await journal?.begin(op.key, op.id, op.kind);
      const output =
        recovered ??
        (await call({
          signal,
          progress: (step, detail) =>
            emit({ type: 'progress', id: op.id, key: op.key, step, ...(detail ? { detail } : {}) }),
        }));
      outcome = { ok: true, output };
    } catch (err) {
      outcome = { ok: false, error: errorText(err) };
    }
    log(`${op.kind} ${describeTarget(op)}: ${outcome.ok ? 'ok' : `failed: ${outcome.error}`}`);
    return this.finish(op, emit, outcome);
  }

  private async finish(
    op: Operation,
    emit: Emit,
    outcome: { ok: boolean; output?: Output; error?: string },
  ): Promise<Result> {
    await this.o.journal?.finish({ key: op.key, id: op.id, ...outcome });
    return this.send(emit, { type: 'result', id: op.id, key: op.key, ...outcome });
  }
}

function resultOf(op: Operation, r: { ok: boolean; output?: Output; error?: string }): Result {
  return {
    type: 'result',
    id: op.id,
    key: op.key,
    ok: r.ok,
    ...(r.output ? { output: r.output } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
  };
}

export function describeTarget(op: Operation): string {
  const t = op.target;
  return t.kind === 'vm'
    ? `vm ${t.driver} host=${t.host} name=${t.name}`
    : `workload ${t.driver} cluster=${t.cluster} ns=${t.namespace} name=${t.name}`;
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
