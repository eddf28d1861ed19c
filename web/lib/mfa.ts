// Second factors: TOTP (authenticator app) and recovery codes, and the extra sign-in steps the API may ask for
// after a correct password (401 mfa-required / password-change-required with an mfa_token).
import { renderSVG } from 'uqr';
import { startAuthentication } from '@simplewebauthn/browser';
import { ApiError, api } from './api';
import { session } from './session.svelte';
import type { Me } from './types';

export interface MfaStatus {
  totp: { enabled: boolean; confirmed_at: string | null };
  recovery_codes_remaining: number;
  passkeys: number;
  required_by_role: boolean;
}
export interface TotpSetup {
  secret: string;
  otpauth_uri: string;
}
export type MfaPolicy = Record<'admin' | 'operator' | 'viewer' | 'auditor', boolean>;

/** What the sign-in still needs after the password. */
export interface PendingStep {
  kind: 'second_factor' | 'enroll' | 'password_change';
  ticket: string;
  methods: string[];
}

/** The next sign-in step in an API error, if that is what it is. */
export function pendingStep(e: unknown): PendingStep | null {
  if (!(e instanceof ApiError) || e.status !== 401) return null;
  const type = String(e.problem.type ?? '');
  const ticket = e.problem.mfa_token;
  if (typeof ticket !== 'string') return null;
  const methods = Array.isArray(e.problem.methods) ? (e.problem.methods as string[]) : [];
  if (type.endsWith('/password-change-required')) return { kind: 'password_change', ticket, methods };
  if (type.endsWith('/mfa-required')) {
    return { kind: methods.includes('enroll') ? 'enroll' : 'second_factor', ticket, methods };
  }
  return null;
}

const signedIn = (me: Me) => {
  session.user = me;
  session.loaded = true;
  return me;
};
const quiet = { allow401: true };

export const verifyCode = async (ticket: string, method: 'totp' | 'recovery_code', code: string) =>
  signedIn(await api.post<Me>('/mfa/verify', { mfa_token: ticket, method, code }, quiet));

export async function verifyWithPasskey(ticket: string): Promise<Me> {
  const start = await api.post<{ challenge_id: string; options: any }>(
    '/mfa/passkey/options',
    { mfa_token: ticket },
    quiet,
  );
  const response = await startAuthentication({ optionsJSON: start.options });
  return signedIn(
    await api.post<Me>('/mfa/passkey/verify', { mfa_token: ticket, challenge_id: start.challenge_id, response }, quiet),
  );
}

export const enrollSetup = (ticket: string) => api.post<TotpSetup>('/mfa/enroll/setup', { mfa_token: ticket }, quiet);
export async function enrollConfirm(ticket: string, code: string) {
  const res = await api.post<Me & { recovery_codes: string[] }>(
    '/mfa/enroll/confirm',
    { mfa_token: ticket, code },
    quiet,
  );
  const { recovery_codes, ...me } = res;
  return { me: me as Me, recovery_codes };
}
/** Set the new password; the API then signs in, or asks for the next step (thrown as ApiError: see pendingStep). */
export const forcedPasswordChange = async (ticket: string, new_password: string) =>
  signedIn(await api.post<Me>('/mfa/password', { mfa_token: ticket, new_password }, quiet));

/** The QR code of an otpauth:// URI, as an SVG string (uqr: pure JS, no canvas). */
export const qrSvg = (text: string) => renderSVG(text, { ecc: 'M', border: 2, pixelSize: 5 });

/** Offer the recovery codes as a text file. */
export function downloadCodes(codes: string[], username = '') {
  const text = [
    `DC Platform recovery codes${username ? ` for ${username}` : ''}`,
    `Created ${new Date().toISOString()}. Each code works once; keep them somewhere safe.`,
    '',
    ...codes,
    '',
  ].join('\n');
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: 'dc-platform-recovery-codes.txt' });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
