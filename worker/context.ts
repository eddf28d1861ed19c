import type { Db } from './db/client';
import type { Env } from './env';

/** Who is acting. `null` for anonymous calls (login, self-registration). */
export interface Actor {
  id: number;
  username: string;
  role: string;
  clearance: string;
}

/** Everything a domain service needs from the outside world; it never sees the HTTP request. */
export interface ServiceContext {
  db: Db;
  env: Env;
  actor: Actor | null;
  requestId: string;
  clientIp: string | null;
}
