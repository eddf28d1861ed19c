// Whether the platform holds an operation paused (the `pause` and `resume` frames of a rolling update). A driver
// asks at its checkpoints (the docker driver before each batch) and waits there while paused; a driver whose
// orchestrator rolls by itself (kubernetes) listens for the changes and tells the orchestrator.
import type { Progress, RunContext } from './drivers/types.ts';

export class PauseGate {
  private since: number | null = null;
  private readonly listeners = new Set<(paused: boolean) => void>();

  get paused(): boolean {
    return this.since !== null;
  }

  /** when the current pause began (epoch ms), null while not paused */
  get pausedSince(): number | null {
    return this.since;
  }

  /** false when it was paused already */
  pause(now = Date.now()): boolean {
    if (this.since !== null) return false;
    this.since = now;
    this.notify(true);
    return true;
  }

  /** false when it was not paused */
  resume(): boolean {
    if (this.since === null) return false;
    this.since = null;
    this.notify(false);
    return true;
  }

  /** called on every change: true when paused, false when resumed; returns the unsubscribe */
  onChange(listener: (paused: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Resolves at once when not paused, else once resumed; rejects when `signal` aborts (at once if it has). */
  async checkpoint(signal: AbortSignal): Promise<void> {
    // a loop: a resume followed at once by another pause holds again
    for (;;) {
      if (signal.aborted) throw signal.reason ?? new Error('cancelled');
      if (!this.paused) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          off();
          signal.removeEventListener('abort', done);
          resolve();
        };
        const off = this.onChange(done);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** what a driver gets: this gate's view of pause, with the operation's progress and cancel signal */
  context(progress: Progress, signal: AbortSignal): RunContext {
    return {
      progress,
      signal,
      checkpoint: () => this.checkpoint(signal),
      isPaused: () => this.paused,
      onPause: (listener) => this.onChange(listener),
    };
  }

  private notify(paused: boolean): void {
    for (const l of [...this.listeners]) l(paused);
  }
}
