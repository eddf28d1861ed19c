import * as v from 'valibot';
import { name } from '../../schemas/common';

/** A browser's PublicKeyCredential as JSON (@simplewebauthn/browser's output); the server verifies the rest. */
export const Credential = v.looseObject({
  id: v.pipe(v.string('must be a credential id'), v.regex(/^[A-Za-z0-9_-]{1,1400}$/, 'must be base64url')),
  rawId: v.string('must be base64url'),
  type: v.literal('public-key', 'must be "public-key"'),
  response: v.looseObject({ clientDataJSON: v.string('is required') }),
});

const challengeId = v.pipe(
  v.string('is required'),
  v.regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be the challenge_id of the options call'),
);

export const PasskeyRegisterVerify = v.object({
  challenge_id: challengeId,
  name: name(64),
  response: Credential,
});

export const PasskeyAssertion = v.object({ challenge_id: challengeId, response: Credential });

export const PasskeyRename = v.object({ name: name(64) });

export const PasskeyIdParams = v.object({
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,1400}$/, 'must be a credential id (base64url)')),
});

export const Passkey = v.object({
  id: v.pipe(v.string(), v.description('The credential id (base64url)')),
  user_id: v.number(),
  name: v.string(),
  transports: v.array(v.string()),
  device_type: v.pipe(v.string(), v.description('singleDevice or multiDevice (synced)')),
  backed_up: v.boolean(),
  aaguid: v.pipe(v.string(), v.description('The authenticator model (all zeros when not disclosed)')),
  created_at: v.string(),
  last_used_at: v.nullable(v.string()),
});

export const PasskeyOptions = v.object({
  challenge_id: v.pipe(v.string(), v.description('Send it back with the response; single use, 5 minutes')),
  options: v.pipe(
    v.record(v.string(), v.unknown()),
    v.description('PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON for @simplewebauthn/browser'),
  ),
});

export const StepUpResult = v.object({
  step_up_at: v.string(),
  max_age_seconds: v.number(),
  amr: v.array(v.string()),
  expires_in: v.number(),
  access_token: v.optional(v.pipe(v.string(), v.description('Only for Bearer callers; browsers get the cookie'))),
  token_type: v.optional(v.string()),
});
