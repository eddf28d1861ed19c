import type { AuditChain } from '../durable-objects/audit-chain';
import type { RackTelemetry } from '../durable-objects/rack-telemetry';
import type { DatacenterLive } from '../durable-objects/datacenter-live';

/** Bindings and vars the Worker reads. Every one is documented in README.md § Configuration. */
export interface Env {
  DB: D1Database;
  ASSETS: Fetcher;
  /** the one Durable Object that seals the tamper-evident audit chain (worker/audit/chain-client.ts) */
  AUDIT_CHAIN: DurableObjectNamespace<AuditChain>;
  /** "production" disables the default admin account and the demo seed endpoint. */
  ENVIRONMENT?: string;
  APP_VERSION?: string;
  /** HMAC key for access tokens (HS256); a secret in production. */
  JWT_SECRET?: string;
  /** key id of JWT_SECRET, written in each token's header */
  JWT_KID?: string;
  /** keys retired from signing but still trusted until their tokens expire: JSON {"kid": "secret"} */
  JWT_PREVIOUS_KEYS?: string;
  ACCESS_TOKEN_EXPIRE_MINUTES?: string;
  /** PBKDF2 iterations for new password hashes; at most 100000 (production Workers' cap). */
  PASSWORD_HASH_ITERATIONS?: string;
  /** failed sign-ins allowed per account / per client address within the window before 429 */
  LOGIN_MAX_FAILURES_PER_ACCOUNT?: string;
  LOGIN_MAX_FAILURES_PER_IP?: string;
  LOGIN_THROTTLE_WINDOW_MINUTES?: string;
  /** a session ends after this long without a refresh, and in any case this long after sign-in */
  SESSION_IDLE_MINUTES?: string;
  SESSION_MAX_HOURS?: string;
  /** Ed25519 private JWK (JSON, with "kid") signing audit checkpoints; a secret in production. */
  AUDIT_SIGNING_KEY?: string;
  /** retired checkpoint keys still trusted for verification: JSON array of Ed25519 public JWKs with "kid" */
  AUDIT_PREVIOUS_PUBLIC_KEYS?: string;
  /** AES-256-GCM keys for TOTP secrets at rest, JSON {"kid": "base64 of 32 bytes"}; a secret in production */
  TOTP_ENCRYPTION_KEYS?: string;
  /** the key id of TOTP_ENCRYPTION_KEYS that encrypts new and re-encrypted secrets */
  TOTP_ENCRYPTION_KID?: string;
  /** WebAuthn relying party: id (the registrable domain), accepted origins (comma-separated) and display name */
  RP_ID?: string;
  RP_ORIGIN?: string;
  RP_NAME?: string;
  /** JSON object zone -> 'none' | 'passkey_uv' (| 'any_second_factor', reserved): what step-up each zone asks */
  STEP_UP_POLICY?: string;
  /** one SQLite-backed object per rack: ring buffer, rolling aggregates, WebSocket subscribers */
  RACK_TELEMETRY: DurableObjectNamespace<RackTelemetry>;
  /** one object per datacenter: live summary across its racks for the dashboard */
  DATACENTER_LIVE: DurableObjectNamespace<DatacenterLive>;
  /** telemetry retention and limits: worker/telemetry/config.ts */
  TELEMETRY_RAW_RESOLUTION_SECONDS?: string;
  TELEMETRY_RAW_RETENTION_HOURS?: string;
  TELEMETRY_MAX_SERIES_PER_RACK?: string;
  TELEMETRY_ROLLUP_1M_RETENTION_DAYS?: string;
  TELEMETRY_ROLLUP_1H_RETENTION_DAYS?: string;
  TELEMETRY_PUSH_INTERVAL_MS?: string;
  INGEST_MAX_BODY_BYTES?: string;
  /** request bodies of every other route: 413 above this many bytes (default 1 MiB) */
  MAX_BODY_BYTES?: string;
  INGEST_MAX_DECODED_BYTES?: string;
  INGEST_MAX_SAMPLES_PER_REQUEST?: string;
  /** samples stamped further ahead than this are refused one by one (the oldest accepted: the raw retention) */
  INGEST_MAX_FUTURE_SECONDS?: string;
  /** "true": GET /metrics needs no token (behind a private network only) */
  METRICS_PUBLIC?: string;
}

export const isProduction = (env: Env) => (env.ENVIRONMENT ?? '').toLowerCase() === 'production';
