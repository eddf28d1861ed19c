import type { Db } from './db/client';
import type { Env } from './env';

/** Who is acting. `null` for anonymous calls (login, self-registration). */
export interface Actor {
  id: number;
  username: string;
  role: string;
  clearance: string;
  /** set when the caller uses a personal API token: what it may do, within the role */
  scopes?: string[];
  /** the sign-in session behind an access token */
  sessionId?: string;
}

/** Everything a domain service needs from the outside world; it never sees the HTTP request. */
export interface ServiceContext {
  db: Db;
  env: Env;
  actor: Actor | null;
  requestId: string;
  clientIp: string | null;
}
