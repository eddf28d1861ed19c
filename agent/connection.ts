// The agent's one connection to its site's Durable Object: a WebSocket it dials out, so no port opens on site.
//
// Authentication contract (the server side implements it): Node's global WebSocket cannot set an Authorization
// header, so the agent offers two subprotocols, `dcp-agent` and `bearer.<api token>`. The server takes the token
// from the second, checks it is an `agent` token, and selects `dcp-agent` in its handshake answer (the token is
// never echoed back). API tokens are base64url, which is valid in a subprotocol name.
//
// After `welcome` the agent says `hello`, then reports `observed` every interval and right after each operation.
// `cancel`, `pause` and `resume` go to the executor, which holds the operations (they outlive a socket).
// A dropped socket is redialled forever, with capped exponential backoff and jitter so a fleet of agents does not
// reconnect in lockstep after a platform deploy.
import * as v from 'valibot';
import { AgentMessage, PROTOCOL_VERSION, ServerMessage } from '../worker/virtualization/agent-protocol.ts';
import { errorText } from './executor.ts';
import type { Executor } from './executor.ts';

export interface ConnectionOptions {
  url: string;
  token: string;
  executor: Executor;
  version: string;
  hostname: string;
  dryRun: boolean;
  observeEveryMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  log: (line: string) => void;
}

export const connectUrl = (base: string): string => {
  const u = new URL('/api/agents/connect', base);
  u.protocol = u.protocol === 'https:' ? 'wss:' : u.protocol === 'http:' ? 'ws:' : u.protocol;
  return u.toString();
};

/** Full jitter between half and all of the capped exponential delay. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

export class AgentConnection {
  private readonly o: ConnectionOptions;
  private ws: WebSocket | null = null;
  private welcomed = false;
  private attempt = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private observer: NodeJS.Timeout | null = null;
  /** how many sockets were opened; tests wait on it */
  connects = 0;

  constructor(options: ConnectionOptions) {
    this.o = options;
  }

  start(): void {
    this.stopped = false;
    this.dial();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.stopObserving();
    this.ws?.close(1000, 'agent stopping');
    this.ws = null;
  }

  /** Sends on whichever socket is up now; with none, the frame is dropped (the journal covers results). */
  send = (msg: AgentMessage): void => {
    const check = v.safeParse(AgentMessage, msg);
    if (!check.success) {
      this.o.log(`not sending an invalid ${msg.type} frame: ${check.issues[0].message}`);
      return;
    }
    if (this.ws?.readyState === WebSocket.OPEN && this.welcomed) this.ws.send(JSON.stringify(msg));
  };

  private dial(): void {
    if (this.stopped) return;
    const url = connectUrl(this.o.url);
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, ['dcp-agent', `bearer.${this.o.token}`]);
    } catch (err) {
      this.o.log(`cannot dial ${url}: ${errorText(err)}`);
      return this.redial();
    }
    this.ws = ws;
    this.welcomed = false;
    this.connects++;
    ws.addEventListener('message', (e) => this.onFrame(ws, e.data));
    const gone = (why: string) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopObserving();
      this.o.log(`connection ${why}`);
      this.redial();
    };
    ws.addEventListener('close', (e) => gone(`closed (${e.code}${e.reason ? ` ${e.reason}` : ''})`));
    // Node 22's WebSocket reports a failed dial (refused, non-101) with an error and never a close event
    ws.addEventListener('error', () => {
      gone('failed');
      try {
        ws.close();
      } catch {
        // already closing
      }
    });
  }

  private redial(): void {
    if (this.stopped) return;
    const { baseMs, maxMs } = this.o.backoff ?? { baseMs: 1000, maxMs: 60_000 };
    const delay = backoffDelay(this.attempt++, baseMs, maxMs);
    this.o.log(`reconnecting in ${delay} ms`);
    this.timer = setTimeout(() => this.dial(), delay);
  }

  private onFrame(ws: WebSocket, data: unknown): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(data));
    } catch {
      return this.o.log('ignored a frame that is not JSON');
    }
    const r = v.safeParse(ServerMessage, parsed);
    if (!r.success) return this.o.log(`ignored an invalid frame: ${r.issues[0].message}`);
    const msg = r.output;
    if (msg.type === 'welcome') {
      if (msg.protocol !== PROTOCOL_VERSION) {
        this.o.log(`the platform speaks protocol ${msg.protocol}, this agent ${PROTOCOL_VERSION}: update the agent`);
        ws.close(4000, 'protocol mismatch');
        return;
      }
      this.welcomed = true;
      this.attempt = 0;
      this.o.log(`connected to site '${msg.site.name}' (datacenter ${msg.site.datacenter_id})`);
      this.send({
        type: 'hello',
        protocol: PROTOCOL_VERSION,
        agent: {
          version: this.o.version,
          hostname: this.o.hostname,
          drivers: this.o.executor.drivers(),
          dry_run: this.o.dryRun,
        },
      });
      this.startObserving();
      return;
    }
    if (!this.welcomed) return this.o.log(`ignored ${msg.type} before welcome`);
    if (msg.type === 'cancel') return this.o.executor.cancel(msg.id);
    if (msg.type === 'pause') return this.o.executor.pause(msg.id);
    if (msg.type === 'resume') return this.o.executor.resume(msg.id);
    void this.o.executor.submit(msg.operation, this.send, msg.lease_ms).then(() => this.observe());
  }

  private startObserving(): void {
    this.stopObserving();
    void this.observe();
    this.observer = setInterval(() => void this.observe(), this.o.observeEveryMs ?? 15_000);
  }

  private stopObserving(): void {
    if (this.observer) clearInterval(this.observer);
    this.observer = null;
  }

  private async observe(): Promise<void> {
    if (!this.welcomed) return;
    const { vms, workloads, unreachable } = await this.o.executor.observe();
    this.send({ type: 'observed', at: Date.now(), vms, workloads, unreachable });
  }
}
