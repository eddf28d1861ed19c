// Bindings and the vars of wrangler.toml [vars] are typed by `wrangler types` (worker-configuration.d.ts, checked
// in; `npm run types` regenerates it, `npm test` fails when it is stale). Declared here: what wrangler.toml does
// not set, i.e. secrets and optional tuning, each documented in README.md § Configuration.
declare global {
  namespace Cloudflare {
    interface Env {
      /** keys retired from signing but still trusted until their tokens expire: JSON {"kid": "secret"} */
      JWT_PREVIOUS_KEYS?: string;
      /** PBKDF2 iterations for new password hashes; at most 100000 (production Workers' cap). */
      PASSWORD_HASH_ITERATIONS?: string;
      /** failed sign-ins allowed per account / per client address within the window before 429 */
      LOGIN_MAX_FAILURES_PER_ACCOUNT?: string;
      LOGIN_MAX_FAILURES_PER_IP?: string;
      LOGIN_THROTTLE_WINDOW_MINUTES?: string;
      /** a session ends after this long without a refresh, and in any case this long after sign-in */
      SESSION_IDLE_MINUTES?: string;
      SESSION_MAX_HOURS?: string;
      /** telemetry retention and limits: worker/telemetry/config.ts */
      TELEMETRY_RAW_RESOLUTION_SECONDS?: string;
      TELEMETRY_RAW_RETENTION_HOURS?: string;
      TELEMETRY_MAX_SERIES_PER_RACK?: string;
      TELEMETRY_ROLLUP_1M_RETENTION_DAYS?: string;
      TELEMETRY_ROLLUP_1H_RETENTION_DAYS?: string;
      TELEMETRY_PUSH_INTERVAL_MS?: string;
      INGEST_MAX_BODY_BYTES?: string;
      INGEST_MAX_DECODED_BYTES?: string;
      INGEST_MAX_SAMPLES_PER_REQUEST?: string;
      /** "off": the rack objects score no anomalies (anomaly rules stay quiet); for measuring its cost */
      AI_ANOMALY_DETECTION?: string;
      /** nightly forecasting: the forecasting time one invocation may spend before it leaves the rest (ms, 5000) */
      FORECAST_CHUNK_MS?: string;
      /** "true": GET /metrics needs no token (behind a private network only) */
      METRICS_PUBLIC?: string;
      /** Cloudflare Email (send_email binding) for email notification channels; without it emails are logged */
      EMAIL?: SendEmail;
      /** the sender address of notification emails (a verified address of your Email Routing zone) */
      NOTIFY_EMAIL_FROM?: string;
      /** the product's public origin for links in notifications; default: the first RP_ORIGIN */
      PUBLIC_URL?: string;
    }
  }
}

/** What the Worker, its Durable Objects and its jobs receive. */
export type Env = Cloudflare.Env;

/** "production" disables the default admin account and the demo seed endpoint. */
export const isProduction = (env: Pick<Env, 'ENVIRONMENT'>) => (env.ENVIRONMENT ?? '').toLowerCase() === 'production';
