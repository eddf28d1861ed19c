/**
 * Sign-in throttling, decided from the audit trail itself (every failed sign-in is already an entry there), so
 * there is no second counter to keep consistent. Pure: the caller passes the recent attempts.
 */
export interface Attempt {
  ts: string;
  ok: boolean;
}

export interface ThrottleLimits {
  maxFailures: number;
  windowMs: number;
}

/**
 * Blocked when `maxFailures` failures happened inside the window since the last success. `retryAfter` is the
 * number of seconds until enough of them leave the window for one more try.
 */
export function throttle(
  attempts: Attempt[],
  now: number,
  limits: ThrottleLimits,
): { blocked: boolean; retryAfter: number } {
  const since = now - limits.windowMs;
  const sorted = [...attempts].filter((a) => Date.parse(a.ts) > since).sort((a, b) => a.ts.localeCompare(b.ts));
  const lastOk = sorted.findLastIndex((a) => a.ok);
  const failures = sorted.slice(lastOk + 1).map((a) => Date.parse(a.ts));
  if (failures.length < limits.maxFailures) return { blocked: false, retryAfter: 0 };
  // the (n - max + 1)-th newest failure must age out of the window before another try is allowed
  const release = failures[failures.length - limits.maxFailures] + limits.windowMs;
  return { blocked: true, retryAfter: Math.max(1, Math.ceil((release - now) / 1000)) };
}
