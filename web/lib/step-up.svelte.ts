// The step-up prompt: lib/api.ts asks here (through the handler registered below) when the API answers 403 step-up-required; StepUpDialog (mounted once
// in the app layout) shows the request and resolves it. Concurrent requests share one prompt.
import { setStepUpHandler, type Problem } from './api';

export interface StepUpRequest {
  problem: Problem;
  /** the API path that asked (to say what kind of object it is) */
  path: string;
}

class StepUp {
  current = $state<StepUpRequest | null>(null);
  #resolve: ((ok: boolean) => void) | null = null;
  #pending: Promise<boolean> | null = null;
  #dialogs = 0;

  /** StepUpDialog registers itself; without one mounted, requests are refused at once. */
  attach() {
    this.#dialogs++;
    return () => {
      this.#dialogs--;
      if (!this.#dialogs) this.finish(false);
    };
  }

  /** Resolves true once the user has stepped up (the caller then retries), false if they cancelled. */
  request(problem: Problem, path: string): Promise<boolean> {
    if (!this.#dialogs) return Promise.resolve(false);
    if (this.#pending) return this.#pending;
    this.current = { problem, path };
    this.#pending = new Promise<boolean>((resolve) => (this.#resolve = resolve));
    return this.#pending;
  }

  finish(ok: boolean) {
    const resolve = this.#resolve;
    this.#resolve = null;
    this.#pending = null;
    this.current = null;
    resolve?.(ok);
  }
}

export const stepUp = new StepUp();

setStepUpHandler((problem, path) => stepUp.request(problem, path));
