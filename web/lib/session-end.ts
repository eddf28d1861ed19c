// Which 401s end the session. Pure (no SvelteKit imports) so tests/unit can hold it against the API's own types.

/**
 * Only `unauthorized` means the session itself is gone (expired, revoked, never there: worker/platform/http/problem.ts).
 * Every other 401 type is a verification that failed inside a live session or a sign-in step
 * (`passkey-verification-failed`, `mfa-code-invalid`, `mfa-required`, …) and must not sign the user out.
 * A 401 without a type (a proxy, not the API) is taken as the session ending.
 */
const SESSION_ENDED_TYPES = ['unauthorized'];

export function endsSession(problem: { status: number; type?: unknown }): boolean {
  if (problem.status !== 401) return false;
  const type = String(problem.type ?? '');
  return !type || SESSION_ENDED_TYPES.some((slug) => type.endsWith(`/${slug}`));
}
