// Passkey (WebAuthn) ceremonies against /api/passkeys: the browser half runs in @simplewebauthn/browser.
import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { ApiError, api, errorMessage } from './api';
import { session } from './session.svelte';
import type { Me } from './types';

export interface Passkey {
  id: string;
  user_id: number;
  name: string;
  transports: string[];
  /** "singleDevice" | "multiDevice" (synced across the user's devices) */
  device_type: string;
  backed_up: boolean;
  aaguid: string;
  created_at: string;
  last_used_at: string | null;
}

interface Ceremony {
  challenge_id: string;
  options: any;
}

export const passkeysSupported = () => typeof window !== 'undefined' && browserSupportsWebAuthn();

/** A cancelled or timed-out browser prompt (the user closed it): not worth an error banner. */
export const isCancelled = (e: unknown) =>
  e instanceof Error && (e.name === 'NotAllowedError' || e.name === 'AbortError');

/** The verification failed on the server (the assertion or attestation did not check out). */
export const isVerificationFailure = (e: unknown) =>
  e instanceof ApiError && String(e.problem.type ?? '').endsWith('/passkey-verification-failed');

/**
 * What to show when a passkey ceremony fails, where it failed. A closed or timed-out browser prompt and an
 * assertion the server rejects both mean the same to the user: the authenticator did not verify them.
 */
export function passkeyErrorMessage(e: unknown): string {
  if (isCancelled(e)) return 'Your authenticator did not verify you (it was cancelled or timed out). Try again.';
  if (isVerificationFailure(e))
    return 'Your authenticator did not verify you: this passkey is not registered here, was revoked, or its answer did not check out.';
  return errorMessage(e);
}

/** Add a passkey to the signed-in account. */
export async function addPasskey(name: string): Promise<Passkey> {
  const start = await api.post<Ceremony>('/passkeys/register/options');
  const response = await startRegistration({ optionsJSON: start.options });
  return api.post<Passkey>('/passkeys/register/verify', { challenge_id: start.challenge_id, name, response });
}

/** Passwordless sign-in with a discoverable passkey; sets the session cookies like the password form. */
export async function signInWithPasskey(): Promise<Me> {
  const start = await api.post<Ceremony>('/passkeys/login/options', {}, { allow401: true });
  const response = await startAuthentication({ optionsJSON: start.options });
  const me = await api.post<Me>(
    '/passkeys/login/verify',
    { challenge_id: start.challenge_id, response },
    { allow401: true },
  );
  session.user = me;
  session.loaded = true;
  return me;
}

/** Step-up: confirm with one of the user's passkeys (user verification required). */
export async function stepUpWithPasskey(): Promise<void> {
  const start = await api.post<Ceremony>('/passkeys/step-up/options');
  const response = await startAuthentication({ optionsJSON: start.options });
  await api.post('/passkeys/step-up/verify', { challenge_id: start.challenge_id, response });
}
