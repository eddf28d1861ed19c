// The app-wide alert feed (GET /api/live/alerts): one background socket while anything listens (the sidebar's
// count, the Alerts page), closed when nothing does. Listeners get every change the server pushes for the
// user's clearance, and a "hello" after each (re)connection, when they should re-read what they show.
import { untrack } from 'svelte';
import { api } from '$lib/api';
import type { Alert } from '$lib/types';
import { LiveSocket } from './socket.svelte';

export type AlertFeedMessage =
  { type: 'alert'; event: string; at: string; alert: Alert } | { type: 'hello'; at: number };

type Listener = (msg: AlertFeedMessage) => void;

class AlertFeed {
  #socket = $state.raw<LiveSocket<AlertFeedMessage> | null>(null);
  readonly #listeners = new Set<Listener>();

  /** Listen from now on; returns the way to stop. Safe inside an effect: it reads nothing reactively. */
  subscribe(fn: Listener): () => void {
    return untrack(() => this.#subscribe(fn));
  }

  #subscribe(fn: Listener): () => void {
    this.#listeners.add(fn);
    if (!this.#socket) {
      this.#socket = new LiveSocket<AlertFeedMessage>({
        path: '/live/alerts',
        background: true,
        probe: () => api.list('/alerts', { limit: 1 }),
        onMessage: (msg) => {
          for (const l of [...this.#listeners]) l(msg);
        },
      });
      this.#socket.start();
    }
    return () =>
      untrack(() => {
        this.#listeners.delete(fn);
        if (!this.#listeners.size && this.#socket) {
          this.#socket.close();
          this.#socket = null;
        }
      });
  }

  /** the socket's state, for a page that says whether it is live */
  get state() {
    return this.#socket?.state ?? 'idle';
  }
}

export const alertFeed = new AlertFeed();

/** `fn` at most once per `ms` after a burst of calls (a storm of alerts re-reads the list once). */
export function debounced(fn: () => void, ms = 250): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}
