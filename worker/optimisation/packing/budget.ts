// How long a search may run. Iterations are the primary limit because a Worker's clock does not advance while
// it computes (Date.now and performance.now only move on I/O), so a deadline alone would never fire there; the
// clock is a backstop for slow machines under Node, where it does move.

export class Budget {
  private left: number;
  private ticks = 0;
  private readonly deadline: number;
  private readonly clock: () => number;

  constructor(iterations: number, deadline: number, clock: () => number) {
    this.left = iterations;
    this.deadline = deadline;
    this.clock = clock;
  }

  /** Spends one unit; false once the iterations or the time are used up (and from then on). */
  tick(): boolean {
    if (this.left <= 0) return false;
    this.left--;
    // reading the clock costs more than an iteration of the cheaper searches
    if ((++this.ticks & 127) === 0 && this.clock() >= this.deadline) this.left = 0;
    return this.left > 0;
  }

  get exhausted(): boolean {
    return this.left <= 0;
  }

  get used(): number {
    return this.ticks;
  }
}
