// One live WebSocket (GET /api/live/…): connects, parses JSON frames, pings every 20 s, reconnects with
// exponential backoff and jitter (1 s → 30 s), pauses while the tab is hidden for long, and gives up on
// "no access" (4403) or "not found" (4404). A 4401 (the access cookie expired) renews the session the way
// any API call does and reconnects. Auth is the HttpOnly session cookie the browser sends with the upgrade.
import { CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_UNAUTHENTICATED } from '../../../worker/platform/live/close-codes';
import { untrack } from 'svelte';
import { api, ApiError } from '$lib/api';
import { liveStatus } from './status.svelte';
import type { SocketState } from './types';

export type { SocketState };

export interface LiveSocketOptions<M> {
  /** API path without /api, e.g. `/live/racks/5?server_id=3` */
  path: string;
  onMessage: (msg: M) => void;
  /** after a (re)connection opens, before its first frame */
  onOpen?: () => void;
  /**
   * A REST call about the same object, made when an upgrade fails before it opens (the browser hides the HTTP
   * status of a refused upgrade): a 404 or 403 stops the socket, a 401 signs out, and any success renews the
   * session cookies for the next attempt. Default: GET /users/me.
   */
  probe?: () => Promise<unknown>;
  /** not counted by the top bar's live indicator (the app shell's own feeds, open on every page) */
  background?: boolean;
}

const PING_MS = 20_000;
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
/** the tab has been hidden this long: close the socket until it is visible again */
const HIDDEN_PAUSE_MS = 60_000;
/** no frame at all (not even a pong) for this long: the connection is dead even if the socket says open */
const SILENT_MS = 2 * PING_MS + 5_000;

export { CLOSE_UNAUTHENTICATED, CLOSE_FORBIDDEN, CLOSE_NOT_FOUND };

/** Full-range exponential backoff with "equal jitter": between half and all of 1 s · 2^attempt, capped at 30 s. */
export function backoffDelay(attempt: number, random = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export class LiveSocket<M> {
  state = $state<SocketState>('idle');
  /** why the socket stopped (state "error") */
  error = $state<string | null>(null);
  /** the close code that stopped it */
  code = $state<number | null>(null);
  /** Unix ms of the last frame received */
  lastFrameAt = $state<number | null>(null);
  /** when the next reconnection attempt is due (state "reconnecting") */
  retryAt = $state<number | null>(null);

  readonly #opts: LiveSocketOptions<M>;
  #ws: WebSocket | null = null;
  #attempt = 0;
  #everOpened = false;
  #openedThisAttempt = false;
  #authRetries = 0;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #hiddenTimer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(opts: LiveSocketOptions<M>) {
    this.#opts = opts;
  }

  /** Open the socket and keep it open until close(). Safe to call inside an effect: it reads nothing reactively. */
  start() {
    untrack(() => this.#start());
  }

  #start() {
    if (typeof window === 'undefined' || this.state !== 'idle') return;
    this.#stopped = false;
    if (!this.#opts.background) liveStatus.add(this);
    document.addEventListener('visibilitychange', this.#onVisibility);
    window.addEventListener('online', this.#onOnline);
    window.addEventListener('offline', this.#onOffline);
    if (!navigator.onLine) this.state = 'offline';
    else if (document.visibilityState === 'hidden') this.state = 'paused';
    else this.#connect();
  }

  /** Close for good (page leave). */
  close() {
    untrack(() => this.#close());
  }

  #close() {
    this.#stopped = true;
    this.#teardown();
    this.state = 'closed';
    liveStatus.remove(this);
    if (typeof window !== 'undefined') {
      document.removeEventListener('visibilitychange', this.#onVisibility);
      window.removeEventListener('online', this.#onOnline);
      window.removeEventListener('offline', this.#onOffline);
    }
  }

  /** Stop with an error the page shows (e.g. the rack was revoked). */
  fail(message: string, code: number | null = null) {
    this.#teardown();
    this.error = message;
    this.code = code;
    this.state = 'error';
  }

  /** Reconnect now (a "Retry" button). */
  retry() {
    if (this.#stopped) return;
    this.#teardown();
    this.error = null;
    this.code = null;
    this.#attempt = 0;
    this.#connect();
  }

  #url() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${proto}//${location.host}/api${this.#opts.path}`;
  }

  #connect() {
    if (this.#stopped) return;
    clearTimeout(this.#retryTimer);
    this.retryAt = null;
    this.state = this.#everOpened || this.#attempt > 0 ? 'reconnecting' : 'connecting';
    this.#openedThisAttempt = false;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.#url());
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      if (ws !== this.#ws) return;
      this.#everOpened = true;
      this.#openedThisAttempt = true;
      this.lastFrameAt = Date.now();
      this.state = 'live';
      this.#opts.onOpen?.();
      clearInterval(this.#pingTimer);
      this.#pingTimer = setInterval(() => this.#ping(), PING_MS);
    };
    ws.onmessage = (ev) => {
      if (ws !== this.#ws) return;
      this.lastFrameAt = Date.now();
      if (typeof ev.data !== 'string' || ev.data === 'pong') return;
      let msg: M;
      try {
        msg = JSON.parse(ev.data) as M;
      } catch {
        return; // not ours
      }
      // a frame proves the session works: the next failure starts the backoff from the bottom again
      this.#attempt = 0;
      this.#authRetries = 0;
      this.state = 'live';
      this.#opts.onMessage(msg);
    };
    ws.onclose = (ev) => {
      if (ws !== this.#ws) return;
      this.#onClose(ev.code, ev.reason);
    };
  }

  #ping() {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    if (this.lastFrameAt && Date.now() - this.lastFrameAt > SILENT_MS) {
      // half-open connection: nothing came back, not even a pong
      this.#dropAndRetry();
      return;
    }
    try {
      ws.send('ping');
    } catch {
      this.#dropAndRetry();
    }
  }

  #dropAndRetry() {
    this.#teardown();
    this.#scheduleRetry();
  }

  async #onClose(code: number, reason: string) {
    this.#teardown();
    if (this.#stopped) return;
    if (code === CLOSE_FORBIDDEN) {
      this.fail(reason || 'You do not have access to this live data.', code);
      return;
    }
    if (code === CLOSE_NOT_FOUND) {
      this.fail(reason || 'Not found.', code);
      return;
    }
    if (code === CLOSE_UNAUTHENTICATED || (!this.#openedThisAttempt && this.#attempt >= 1)) {
      // The access cookie ran out, or the upgrade keeps being refused before it opens (which hides the HTTP
      // status): a REST call renews the cookies from the refresh cookie, sends the user to /login on a 401,
      // and tells "not found / no access" apart from a server that is just away.
      if (code === CLOSE_UNAUTHENTICATED && ++this.#authRetries > 3) {
        this.fail('Your session could not be renewed. Sign in again.', code);
        return;
      }
      this.state = 'reconnecting';
      try {
        await (this.#opts.probe ?? (() => api.get('/users/me')))();
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
          if (!this.#stopped)
            this.fail(
              e.status === 404 ? 'Not found, or above your clearance.' : 'You do not have access to this live data.',
              e.status === 404 ? CLOSE_NOT_FOUND : CLOSE_FORBIDDEN,
            );
          return;
        }
        // a 401 sent the user to /login (api.ts); a network error just retries below
      }
      if (this.#stopped) return;
      if (code === CLOSE_UNAUTHENTICATED && this.#authRetries === 1) {
        this.#connect();
        return;
      }
    }
    if (!navigator.onLine) {
      this.state = 'offline';
      return;
    }
    if (document.visibilityState === 'hidden' && this.#hiddenTimer === undefined) {
      this.state = 'paused';
      return;
    }
    this.#scheduleRetry();
  }

  #scheduleRetry() {
    if (this.#stopped) return;
    const delay = backoffDelay(this.#attempt++);
    this.state = 'reconnecting';
    this.retryAt = Date.now() + delay;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  #teardown() {
    clearInterval(this.#pingTimer);
    clearTimeout(this.#retryTimer);
    this.retryAt = null;
    const ws = this.#ws;
    this.#ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000, 'bye');
    }
  }

  #onVisibility = () => {
    if (this.#stopped) return;
    if (document.visibilityState === 'hidden') {
      clearTimeout(this.#hiddenTimer);
      this.#hiddenTimer = setTimeout(() => {
        this.#hiddenTimer = undefined;
        if (this.state === 'error') return;
        this.#teardown();
        this.state = 'paused';
      }, HIDDEN_PAUSE_MS);
    } else {
      clearTimeout(this.#hiddenTimer);
      this.#hiddenTimer = undefined;
      if (this.state === 'paused') {
        this.#attempt = 0;
        this.#connect();
      }
    }
  };

  #onOnline = () => {
    if (this.#stopped || this.state === 'error') return;
    if (this.state === 'offline' || this.state === 'reconnecting') {
      this.#teardown();
      this.#attempt = 0;
      this.#connect();
    }
  };

  #onOffline = () => {
    if (this.#stopped || this.state === 'error') return;
    this.#teardown();
    this.state = 'offline';
  };
}
