// Runs operations one at a time, in the order they arrive: started → driver call → result, with the journal in
// between so a key never runs twice. `emit` always reaches the current connection, so the result of an operation
// that outlived its socket still goes out if a new one is up (and the journal answers it otherwise).
//
// A rolling update (workload.set_image) can be paused and resumed by the platform: each `pause`/`resume` is
// answered with a `progress` frame (step 'paused' or 'resumed'), and the driver holds at its next checkpoint.
// While paused the agent repeats the 'paused' frame as a heartbeat (every 30 s, or a third of the lease if that is
// shorter), since the platform renews the operation's lease on every progress frame: a pause outlasts the lease.
import type {
  AgentMessage,
  DriverName,
  ObservedVm,
  ObservedWorkload,
  Operation,
  Unreachable,
} from '../worker/virtualization/agent-protocol.ts';
import { prepare } from './dispatch.ts';
import type { Drivers } from './dispatch.ts';
import type { Output } from './drivers/types.ts';
import type { Journal } from './journal.ts';
import { PauseGate } from './pause.ts';
import { alreadyDone } from './recovery.ts';

export type Emit = (msg: AgentMessage) => void;
type Result = Extract<AgentMessage, { type: 'result' }>;

export interface ExecutorOptions {
  drivers: Drivers;
  /** none in dry-run: a pretend result must not be replayed as real once the agent runs for real */
  journal: Journal | null;
  dryRun: boolean;
  log: (line: string) => void;
  /** how often a paused operation says so again (default 30 s; never more than a third of its lease) */
  pausedHeartbeatMs?: number;
}

/** the kinds the platform may pause: the rolling updates */
const PAUSABLE: ReadonlySet<Operation['kind']> = new Set(['workload.set_image']);

/** an operation the agent holds: queued behind another or running */
interface Held {
  op: Operation;
  /** the id it was last handed out with (a re-hand after a reconnect may bring a new one): its frames carry it */
  id: number;
  emit: Emit;
  leaseMs: number | undefined;
  abort: AbortController;
  gate: PauseGate;
  heartbeat: NodeJS.Timeout | null;
}

export class Executor {
  private readonly o: ExecutorOptions;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly inflight = new Map<string, Promise<Result>>();
  private readonly held = new Map<number, Held>();

  constructor(options: ExecutorOptions) {
    this.o = options;
  }

  drivers(): DriverName[] {
    return (['libvirt', 'docker', 'kubernetes', 'host'] as const).filter((d) => this.o.drivers[d]);
  }

  /** Resolves with the result it also emitted. `leaseMs`: the operation's lease (paces the pause heartbeat). */
  submit(op: Operation, emit: Emit, leaseMs?: number): Promise<Result> {
    const done = this.o.journal?.result(op.key);
    if (done) return Promise.resolve(this.send(emit, { ...resultOf(op, done), replayed: true }));
    const running = this.inflight.get(op.key);
    if (running) {
      // handed out again while it still runs (a reconnect mid-operation): answer once it is done, not twice; a
      // pause or resume under the id it was handed out with this time reaches the one that runs
      const first = [...this.held.values()].find((h) => h.op.key === op.key);
      if (first && !this.held.has(op.id)) {
        first.id = op.id;
        first.leaseMs = leaseMs ?? first.leaseMs;
        this.held.set(op.id, first);
        running.finally(() => this.held.delete(op.id)).catch(() => undefined);
      }
      return running.then((r) => this.send(emit, { ...r, id: op.id, replayed: true }));
    }
    const held: Held = {
      op,
      id: op.id,
      emit,
      leaseMs,
      abort: new AbortController(),
      gate: new PauseGate(),
      heartbeat: null,
    };
    this.held.set(op.id, held);
    const run = this.queue.then(() => this.run(op, emit, held));
    this.queue = run.catch(() => undefined);
    this.inflight.set(op.key, run);
    void run.finally(() => {
      this.inflight.delete(op.key);
      this.held.delete(op.id);
      this.stopHeartbeat(held);
    });
    return run;
  }

  cancel(id: number): void {
    this.held.get(id)?.abort.abort(new Error('cancelled by the platform'));
  }

  /** Holds a rolling update before its next batch; anything else, or an id not held here, is ignored. */
  pause(id: number): void {
    const h = this.pausable(id, 'pause');
    if (!h) return;
    if (h.gate.pause()) this.o.log(`${h.op.kind} ${describeTarget(h.op)}: paused by the platform`);
    this.sendPaused(h, false);
    this.stopHeartbeat(h);
    const every = Math.max(
      10,
      Math.min(this.o.pausedHeartbeatMs ?? 30_000, h.leaseMs && h.leaseMs > 0 ? h.leaseMs / 3 : Infinity),
    );
    h.heartbeat = setInterval(() => this.sendPaused(h, true), every);
    // the connection keeps the agent alive; a heartbeat alone does not
    h.heartbeat.unref();
  }

  /** Lets a paused rolling update go on; anything else, or an id not held here, is ignored. */
  resume(id: number): void {
    const h = this.pausable(id, 'resume');
    if (!h) return;
    const since = h.gate.pausedSince;
    this.stopHeartbeat(h);
    if (h.gate.resume()) this.o.log(`${h.op.kind} ${describeTarget(h.op)}: resumed by the platform`);
    h.emit({
      type: 'progress',
      id: h.id,
      key: h.op.key,
      step: 'resumed',
      detail: { paused_ms: since === null ? 0 : Date.now() - since },
    });
  }

  private pausable(id: number, what: string): Held | null {
    const h = this.held.get(id);
    if (!h) {
      this.o.log(`ignored ${what} of operation ${id}: not held by this agent`);
      return null;
    }
    if (!PAUSABLE.has(h.op.kind)) {
      this.o.log(`ignored ${what} of operation ${id}: ${h.op.kind} cannot be paused`);
      return null;
    }
    return h;
  }

  private sendPaused(h: Held, heartbeat: boolean): void {
    h.emit({
      type: 'progress',
      id: h.id,
      key: h.op.key,
      step: 'paused',
      detail: { since: h.gate.pausedSince ?? Date.now(), ...(heartbeat ? { heartbeat: true } : {}) },
    });
  }

  private stopHeartbeat(h: Held): void {
    if (h.heartbeat) clearInterval(h.heartbeat);
    h.heartbeat = null;
  }

  /**
   * What every configured driver reports, and the hosts and clusters it could not reach (told to the platform, so
   * an operator sees "unreachable" rather than a silent, stale observation). A driver that fails as a whole is
   * reported against each of its targets.
   */
  async observe(): Promise<{ vms: ObservedVm[]; workloads: ObservedWorkload[]; unreachable: Unreachable[] }> {
    const { libvirt, docker, kubernetes } = this.o.drivers;
    const vms: ObservedVm[] = [];
    const workloads: ObservedWorkload[] = [];
    const unreachable: Unreachable[] = [];
    const collect = async <T>(
      d: { name: DriverName; list(): Promise<T[]>; unreachable?(): { target: string; error: string }[] },
      into: T[],
      targets: string[],
    ) => {
      try {
        into.push(...(await d.list()));
        for (const u of d.unreachable?.() ?? []) unreachable.push({ driver: d.name, ...u });
      } catch (e) {
        this.o.log(`observe failed: ${errorText(e)}`);
        for (const target of targets) unreachable.push({ driver: d.name, target, error: errorText(e) });
      }
    };
    await Promise.all([
      ...(libvirt ? [collect(libvirt, vms, libvirt.hosts())] : []),
      ...[docker, kubernetes].flatMap((d) => (d ? [collect(d, workloads, d.clusters())] : [])),
    ]);
    for (const u of unreachable) this.o.log(`${u.driver} ${u.target} unreachable: ${u.error}`);
    return { vms, workloads, unreachable };
  }

  private send(emit: Emit, msg: Result): Result {
    emit(msg);
    return msg;
  }

  private async run(op: Operation, emit: Emit, held: Held): Promise<Result> {
    const { journal, dryRun, log } = this.o;
    const { signal } = held.abort;
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
        (await call(
          held.gate.context(
            (step, detail) => emit({ type: 'progress', id: held.id, key: op.key, step, ...(detail ? { detail } : {}) }),
            signal,
          ),
        ));
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
  if (t.kind === 'host') return `host ${t.host}`;
  return t.kind === 'vm'
    ? `vm ${t.driver} host=${t.host} name=${t.name}`
    : `workload ${t.driver} cluster=${t.cluster} ns=${t.namespace} name=${t.name}`;
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
