// The app-wide live connection status: one figure aggregated over every open live socket, shown by the
// indicator in the top bar (LiveIndicator.svelte).
import type { SocketState } from './types';

export type LiveStatus = 'idle' | 'live' | 'connecting' | 'reconnecting' | 'paused' | 'offline';

interface Tracked {
  readonly state: SocketState;
}

class LiveStatusStore {
  /** the open sockets (replaced, never mutated, so the aggregate re-derives) */
  sockets = $state.raw<Tracked[]>([]);
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);

  constructor() {
    if (typeof window !== 'undefined') {
      window.addEventListener('online', () => (this.online = true));
      window.addEventListener('offline', () => (this.online = false));
    }
  }

  add(s: Tracked) {
    if (!this.sockets.includes(s)) this.sockets = [...this.sockets, s];
  }

  remove(s: Tracked) {
    this.sockets = this.sockets.filter((x) => x !== s);
  }

  /** Worst state first: a page is only "live" when none of its sockets is catching up. */
  get status(): LiveStatus {
    const states = this.sockets.map((s) => s.state).filter((s) => s !== 'idle' && s !== 'closed');
    if (!states.length) return 'idle';
    if (!this.online || states.includes('offline')) return 'offline';
    if (states.includes('reconnecting')) return 'reconnecting';
    if (states.includes('connecting')) return 'connecting';
    if (states.includes('live')) return 'live';
    if (states.every((s) => s === 'paused')) return 'paused';
    // every socket stopped on an error (no access, not found)
    return 'offline';
  }

  get count() {
    return this.sockets.filter((s) => s.state !== 'idle' && s.state !== 'closed').length;
  }
}

export const liveStatus = new LiveStatusStore();

export const STATUS_LABEL: Record<LiveStatus, string> = {
  idle: 'Idle',
  live: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  paused: 'Paused',
  offline: 'Offline',
};
