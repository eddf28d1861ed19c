import type { Db } from './db/client';
import type { Env } from '../env';

/** Who is acting. `null` for anonymous calls (login, self-registration). */
export interface Actor {
  id: number;
  username: string;
  role: string;
  clearance: string;
  /** set when the caller uses a personal API token: what it may do, within the role */
  scopes?: string[];
  /** an `agent` token's site: the datacenter whose agent may connect with it */
  site_id?: number | null;
  /** the sign-in session behind an access token */
  sessionId?: string;
  /** when this session last passed a passkey step-up with user verification (ISO time), if ever */
  stepUpAt?: string | null;
}

/** Everything a domain service needs from the outside world; it never sees the HTTP request. */
export interface ServiceContext {
  db: Db;
  env: Env;
  actor: Actor | null;
  requestId: string;
  clientIp: string | null;
  /** internal platform work (demo seed, cron) acting on behalf of the platform: no step-up asked */
  system?: boolean;
}
