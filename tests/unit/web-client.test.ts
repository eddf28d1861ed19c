// Pure web-client logic held against the API's own problem types and hand-checked dates.
import { describe, expect, it } from 'vitest';
import { ProblemError, unauthorized, unprocessable } from '../../worker/platform/http/problem';
import { endsSession } from '../../web/lib/session-end';
import { fmtDate, fmtDateTime } from '../../web/lib/format';

const body = (e: ProblemError) => e.body() as { status: number; type: string };

describe('endsSession: which 401s sign the user out', () => {
  it('an expired or unknown session does', () => {
    expect(endsSession(body(unauthorized('This session has ended; sign in again.')))).toBe(true);
    // a 401 that is not a problem document (a proxy in front of the API)
    expect(endsSession({ status: 401 })).toBe(true);
  });

  it('a failed verification inside a session does not', () => {
    for (const slug of ['passkey-verification-failed', 'mfa-code-invalid', 'mfa-required', 'mfa-token-invalid'])
      expect(endsSession(body(new ProblemError(401, slug, 'did not verify'))), slug).toBe(false);
  });

  it('other statuses never do', () => {
    expect(endsSession(body(unprocessable([{ field: 'code', message: 'is not right' }])))).toBe(false);
    expect(endsSession({ status: 403, type: 'https://dc-platform.dev/problems/unauthorized' })).toBe(false);
  });
});

describe('dates read as they are typed (YYYY-MM-DD)', () => {
  it('a calendar date is shown as stored, never shifted by the time zone', () => {
    expect(fmtDate('2026-12-05')).toBe('2026-12-05');
    expect(fmtDate('2024-02-29')).toBe('2024-02-29');
  });

  it('a timestamp shows its local day and time', () => {
    // built from local parts, so the expectation holds in any zone the tests run in
    const t = new Date(2026, 11, 5, 9, 7, 3);
    expect(fmtDate(t.toISOString())).toBe('2026-12-05');
    expect(fmtDateTime(t.toISOString())).toBe('2026-12-05 09:07:03');
  });

  it('nothing and nonsense', () => {
    expect(fmtDate(null)).toBe('—');
    expect(fmtDate('soon')).toBe('soon');
    expect(fmtDateTime('')).toBe('—');
  });
});
