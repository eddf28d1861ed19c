import { DurableObject } from 'cloudflare:workers';
import * as v from 'valibot';
import type { Env } from '../worker/env';
import { CLOSE_EXPIRED } from '../worker/platform/live/sockets';
import {
  AgentMessage,
  PROTOCOL_VERSION,
  type Operation,
  type ServerMessage,
} from '../worker/virtualization/agent-protocol';
import {
  claimNext,
  recordAgent,
  recordObserved,
  recordResult,
  requeue,
  runningOperation,
} from '../worker/virtualization/site-queue';
import { recordObservedWorkloads, recordWorkloadProgress } from '../worker/virtualization/workload-queue';

/** How long an agent holds an operation without a word (started, progress) before it is handed out again. */
export const LEASE_MS = 120_000;
/** A newer connection of the site's agent replaces the older one. */
export const CLOSE_REPLACED = 4409;

/** Fixed at the upgrade by the Worker, kept across hibernation. */
export interface AgentAttachment {
  site: { datacenter_id: number; name: string };
  /** who connected: the owner of the agent token */
  username: string;
  /** the token's access window (ms): the socket closes then and the agent dials again, authenticating anew */
  exp: number;
  /** from the agent's hello */
  hostname?: string;
}

interface Inflight {
  id: number;
  key: string;
  lease_until: number;
}

/**
 * One per site (datacenter, named by its id): the queue of that site's operations as its agent sees it. The queue
 * itself is the D1 tables vm_operations and workload_operations (nothing is lost with this object); this object hands its operations to the
 * connected agent one at a time, under a lease kept in its storage. An agent that goes away leaves its operation
 * running until the lease runs out, then it is queued again, first in line, with the same idempotency key: the
 * agent that finally gets it answers from its journal if it already ran it. Results go to D1 with the VM's new
 * state and an audit entry; what the agent observes is written beside the record.
 */
export class SiteAgent extends DurableObject<Env> {
  private busy: Promise<void> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
  }

  /** One queue step at a time: D1 awaits would otherwise let two dispatches hand out two operations. */
  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.busy.then(fn, fn);
    this.busy = next.catch((e) => console.error('site agent object:', e));
    return this.busy;
  }

  private agent(): WebSocket | null {
    return this.ctx.getWebSockets('agent')[0] ?? null;
  }

  private attachment(ws: WebSocket): AgentAttachment | null {
    try {
      return (ws.deserializeAttachment() as AgentAttachment | null) ?? null;
    } catch {
      return null;
    }
  }

  private send(ws: WebSocket, m: ServerMessage) {
    ws.send(JSON.stringify(m));
  }

  /** Operations were queued or cancelled (the Worker, after writing them): hand out the next one if idle. */
  async poke(): Promise<void> {
    await this.serial(() => this.dispatch());
  }

  /** The held operation and its lease (tests and the status page). */
  async inflight(): Promise<Inflight | null> {
    return (await this.ctx.storage.get<Inflight>('inflight')) ?? null;
  }

  private async dispatch() {
    const ws = this.agent();
    const a = ws && this.attachment(ws);
    if (!ws || !a?.hostname) return; // nobody to give it to (or it has not said hello yet)
    const held = await this.inflight();
    if (held) return;
    const op = await claimNext(this.env.DB, a.site.datacenter_id);
    if (!op) return;
    const lease: Inflight = { id: op.id, key: op.key, lease_until: Date.now() + LEASE_MS };
    await this.ctx.storage.put('inflight', lease);
    await this.ctx.storage.setAlarm(lease.lease_until);
    await recordAgent(this.env.DB, a.site.datacenter_id, { operation_id: op.id, event: 'seen' });
    this.hand(ws, op);
  }

  /** An operation to the agent; a rolling update paused while no agent held it is paused again at once. */
  private hand(ws: WebSocket, op: Operation & { paused?: boolean }) {
    const { paused, ...operation } = op;
    this.send(ws, { type: 'operation', operation, lease_ms: LEASE_MS });
    if (paused) this.send(ws, { type: 'pause', id: op.id });
  }

  /**
   * Pass a user's pause, resume or cancel of a running operation to the agent holding it (the decision is in D1
   * already). False when no connected agent holds it: the paused flag travels with the operation when it is
   * handed out again.
   */
  async control(key: string, what: 'pause' | 'resume' | 'cancel'): Promise<boolean> {
    const held = await this.inflight();
    const ws = this.agent();
    if (!held || held.key !== key || !ws) return false;
    this.send(ws, { type: what, id: held.id });
    return true;
  }

  /** The held operation, to the (new) agent again, with a fresh lease. */
  private async resend(ws: WebSocket, held: Inflight) {
    const op = await runningOperation(this.env.DB, held);
    if (!op) {
      // recorded meanwhile (or cancelled): nothing held any more
      await this.ctx.storage.delete('inflight');
      return this.dispatch();
    }
    const lease = { ...held, lease_until: Date.now() + LEASE_MS };
    await this.ctx.storage.put('inflight', lease);
    await this.ctx.storage.setAlarm(lease.lease_until);
    this.hand(ws, op);
  }

  override async alarm() {
    await this.serial(async () => {
      const held = await this.inflight();
      if (!held || Date.now() < held.lease_until) {
        if (held) await this.ctx.storage.setAlarm(held.lease_until);
        return;
      }
      const ws = this.agent();
      if (ws && this.attachment(ws)?.hostname) return this.resend(ws, held);
      // no agent: back in the queue (the UI says "waiting for the site agent" again)
      await requeue(this.env.DB, held);
      await this.ctx.storage.delete('inflight');
    });
  }

  /** The upgrade forwarded by the Worker (GET /api/agents/connect) with the agent's site and identity. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('expected a WebSocket upgrade', { status: 426 });
    }
    const attachment = JSON.parse(request.headers.get('x-dcp-agent') ?? 'null') as AgentAttachment | null;
    if (!attachment) return new Response('missing identity', { status: 400 });
    for (const old of this.ctx.getWebSockets('agent')) {
      try {
        old.close(CLOSE_REPLACED, 'replaced by a newer connection of this site');
      } catch {
        /* already closed */
      }
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server, ['agent']);
    server.serializeAttachment(attachment);
    this.send(server, { type: 'welcome', protocol: PROTOCOL_VERSION, site: attachment.site });
    await recordAgent(this.env.DB, attachment.site.datacenter_id, { connected: true, event: 'connected' });
    // the agent asked for this subprotocol; a client that offers one must get it back
    return new Response(null, { status: 101, webSocket: client, headers: { 'sec-websocket-protocol': 'dcp-agent' } });
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer) {
    const a = this.attachment(ws);
    if (!a) return ws.close(1011, 'lost its identity');
    if (a.exp > 0 && Date.now() >= a.exp) return ws.close(CLOSE_EXPIRED, 'token access expired: connect again');
    let parsed: v.SafeParseResult<typeof AgentMessage>;
    try {
      parsed = v.safeParse(AgentMessage, JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw)));
    } catch {
      return; // not JSON: ignored, as a stray frame must not take the site's queue down
    }
    if (!parsed.success) {
      console.warn(`site ${a.site.datacenter_id}: frame refused: ${parsed.issues[0]?.message}`);
      return;
    }
    const m = parsed.output;
    const site = a.site.datacenter_id;
    await this.serial(async () => {
      switch (m.type) {
        case 'hello': {
          ws.serializeAttachment({ ...a, hostname: m.agent.hostname } satisfies AgentAttachment);
          await recordAgent(this.env.DB, site, {
            connected: true,
            hostname: m.agent.hostname,
            version: m.agent.version,
            drivers: m.agent.drivers,
            dry_run: m.agent.dry_run,
            event: 'seen',
          });
          const held = await this.inflight();
          return held ? this.resend(ws, held) : this.dispatch();
        }
        case 'started':
        case 'progress': {
          const held = await this.inflight();
          if (held?.id !== m.id || held.key !== m.key) return;
          await this.ctx.storage.put('inflight', { ...held, lease_until: Date.now() + LEASE_MS });
          await this.ctx.storage.setAlarm(Date.now() + LEASE_MS);
          if (m.type === 'progress' && m.key.startsWith('wl:')) await recordWorkloadProgress(this.env.DB, m);
          return;
        }
        case 'result': {
          await recordResult(this.env.DB, m, `agent:${a.hostname ?? a.username}`);
          const held = await this.inflight();
          if (held?.id === m.id && held.key === m.key) await this.ctx.storage.delete('inflight');
          await recordAgent(this.env.DB, site, { operation_id: null, event: 'seen' });
          return this.dispatch();
        }
        case 'observed':
          await recordAgent(this.env.DB, site, { unreachable: m.unreachable ?? [], event: 'seen' });
          await recordObserved(this.env.DB, site, m.vms);
          return recordObservedWorkloads(this.env.DB, site, m.workloads);
      }
    });
  }

  override async webSocketClose(ws: WebSocket, code: number) {
    const a = this.attachment(ws);
    try {
      ws.close(code === 1005 ? 1000 : code, 'bye');
    } catch {
      /* already closed */
    }
    // a replaced connection leaves the newer one as the site's agent
    if (a && !this.ctx.getWebSockets('agent').some((s) => s !== ws)) {
      await recordAgent(this.env.DB, a.site.datacenter_id, { connected: false, event: 'disconnected' });
    }
  }
}
