import * as v from 'valibot';
import { Credential } from './passkey';

const challengeId = v.pipe(
  v.string('is required'),
  v.regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be the challenge_id of the options call'),
);
export const mfaToken = v.pipe(
  v.string('is required'),
  v.regex(/^mfa_[A-Za-z0-9_-]{16,64}$/, 'must be the mfa_token of the sign-in answer'),
);
export const totpCode = v.pipe(
  v.string('is required'),
  v.trim(),
  v.regex(/^\d{3}\s?\d{3}$/, 'must be the 6-digit code of your authenticator app'),
);
const anyCode = v.pipe(
  v.string('is required'),
  v.trim(),
  v.minLength(6, 'is required'),
  v.maxLength(40, 'is too long'),
);

export const MfaStatus = v.object({
  totp: v.object({ enabled: v.boolean(), confirmed_at: v.nullable(v.string()) }),
  recovery_codes_remaining: v.number(),
  passkeys: v.number(),
  required_by_role: v.boolean(),
});
export const TotpSetup = v.object({
  secret: v.pipe(v.string(), v.description('base32, for typing into the app by hand')),
  otpauth_uri: v.pipe(v.string(), v.description('otpauth://totp/… for the QR code')),
});
export const RecoveryCodes = v.object({
  recovery_codes: v.pipe(v.array(v.string()), v.description('ten one-time codes, shown this once (stored hashed)')),
});
export const TotpConfirm = v.object({ code: totpCode });
export const TotpDisable = v.object({
  code: v.optional(v.pipe(totpCode, v.description('a current code; or omit it after a passkey step-up'))),
});
export const MfaPolicy = v.object({
  admin: v.boolean('must be true or false'),
  operator: v.boolean('must be true or false'),
  viewer: v.boolean('must be true or false'),
  auditor: v.boolean('must be true or false'),
});
export const MfaVerify = v.object({
  mfa_token: mfaToken,
  method: v.picklist(['totp', 'recovery_code'], 'must be "totp" or "recovery_code"'),
  code: anyCode,
});
export const MfaTicket = v.object({ mfa_token: mfaToken });
export const MfaPasskeyVerify = v.object({ mfa_token: mfaToken, challenge_id: challengeId, response: Credential });
export const MfaEnrollConfirm = v.object({ mfa_token: mfaToken, code: totpCode });
export const MfaPasswordChange = v.object({ mfa_token: mfaToken, new_password: v.string('is required') });
export const PasswordChange = v.object({
  current_password: v.pipe(v.string('is required'), v.minLength(1, 'is required')),
  new_password: v.string('is required'),
});
export const PasswordChanged = v.object({ sessions_revoked: v.number() });
