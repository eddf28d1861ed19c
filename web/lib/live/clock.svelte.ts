// A shared, coarse "now" for "updated 4 s ago" labels and staleness checks: ticks once a second.
class Clock {
  now = $state(Date.now());
  constructor() {
    if (typeof window !== 'undefined') setInterval(() => (this.now = Date.now()), 1000);
  }
}
export const clock = new Clock();
