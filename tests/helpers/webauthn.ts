// A software WebAuthn authenticator for tests in workerd: an ES256 key pair (WebCrypto), authenticator data and
// client data built by hand, attestation format "none" encoded with @simplewebauthn's own CBOR encoder.
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';
import { expect } from 'vitest';
import { api } from './api';

export const RP_ID = 'localhost';
export const ORIGIN = 'http://localhost:8787';

const enc = new TextEncoder();
const utf8 = (s: string) => enc.encode(s) as Uint8Array<ArrayBuffer>;
const b64u = (bytes: Uint8Array) => isoBase64URL.fromBuffer(bytes as Uint8Array<ArrayBuffer>);
const sha256 = async (data: Uint8Array<ArrayBuffer>) => new Uint8Array(await crypto.subtle.digest('SHA-256', data));
const concat = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
};
const u32 = (n: number) => new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);

/** WebCrypto's ECDSA signature is r||s; WebAuthn wants ASN.1 DER SEQUENCE { INTEGER r, INTEGER s }. */
function derSignature(raw: Uint8Array): Uint8Array {
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.slice(i);
    if (v[0] & 0x80) v = concat(new Uint8Array([0]), v);
    return concat(new Uint8Array([0x02, v.length]), v);
  };
  const body = concat(int(raw.slice(0, 32)), int(raw.slice(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

export const FLAGS = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 };

export class SoftAuthenticator {
  readonly credentialId = crypto.getRandomValues(new Uint8Array(16));
  readonly aaguid = new Uint8Array(16);
  counter = 0;
  userHandle: string | null = null;
  private constructor(private readonly keys: CryptoKeyPair) {}

  static async create(): Promise<SoftAuthenticator> {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    return new SoftAuthenticator(keys);
  }

  get id() {
    return b64u(this.credentialId);
  }

  private async cosePublicKey(): Promise<Uint8Array> {
    const jwk = (await crypto.subtle.exportKey('jwk', this.keys.publicKey)) as JsonWebKey;
    const key = new Map<number, number | Uint8Array>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, isoBase64URL.toBuffer(jwk.x!)],
      [-3, isoBase64URL.toBuffer(jwk.y!)],
    ]);
    return isoCBOR.encode(key);
  }

  /** navigator.credentials.create(): a RegistrationResponseJSON for these creation options. */
  async attest(options: any, opts: { uv?: boolean; origin?: string } = {}) {
    this.userHandle = options.user?.id ?? null;
    const clientData = enc.encode(
      JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin: opts.origin ?? ORIGIN }),
    );
    const flags = FLAGS.UP | (opts.uv === false ? 0 : FLAGS.UV) | FLAGS.AT;
    const authData = concat(
      await sha256(utf8(options.rp?.id ?? RP_ID)),
      new Uint8Array([flags]),
      u32(this.counter),
      this.aaguid,
      new Uint8Array([0, this.credentialId.length]),
      this.credentialId,
      await this.cosePublicKey(),
    );
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]) as never,
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: b64u(clientData),
        attestationObject: b64u(attestationObject),
        transports: ['internal'],
      },
    };
  }

  /** navigator.credentials.get(): an AuthenticationResponseJSON; the counter moves forward unless told otherwise. */
  async assert(options: any, opts: { uv?: boolean; origin?: string; counter?: number } = {}) {
    this.counter = opts.counter ?? this.counter + 1;
    const clientData = enc.encode(
      JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: opts.origin ?? ORIGIN }),
    );
    const flags = FLAGS.UP | (opts.uv === false ? 0 : FLAGS.UV);
    const authData = concat(await sha256(utf8(options.rpId ?? RP_ID)), new Uint8Array([flags]), u32(this.counter));
    const signed = concat(authData, await sha256(clientData as Uint8Array<ArrayBuffer>));
    const raw = new Uint8Array(
      await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, this.keys.privateKey, signed),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: b64u(clientData),
        authenticatorData: b64u(authData),
        signature: b64u(derSignature(raw)),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
    };
  }
}

/** Register a new software passkey for the bearer of `token`; returns the authenticator and the stored passkey. */
export async function registerPasskey(token: string, name = 'Test key') {
  const auth = await SoftAuthenticator.create();
  const start = await api('/api/passkeys/register/options', { token, method: 'POST' });
  expect(start.status, start.text).toBe(200);
  const res = await api('/api/passkeys/register/verify', {
    token,
    json: { challenge_id: start.body.challenge_id, name, response: await auth.attest(start.body.options) },
  });
  expect(res.status, res.text).toBe(201);
  return { auth, passkey: res.body };
}

/** A passkey step-up (UV) on the session behind `token`. */
export async function stepUp(token: string, auth: SoftAuthenticator) {
  const start = await api('/api/passkeys/step-up/options', { token, method: 'POST' });
  expect(start.status, start.text).toBe(200);
  const res = await api('/api/passkeys/step-up/verify', {
    token,
    json: { challenge_id: start.body.challenge_id, response: await auth.assert(start.body.options) },
  });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/** Give this session a passkey (a new one) and a fresh step-up, so Top Secret objects open. */
export async function withStepUp(token: string): Promise<SoftAuthenticator> {
  const { auth } = await registerPasskey(token, 'Step-up key');
  await stepUp(token, auth);
  return auth;
}
