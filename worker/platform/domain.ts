import type { Hono, MiddlewareHandler } from 'hono';
import type { Env } from '../env';
import type { Api, AppEnv } from './http/api';

/** Work a Cron Trigger runs; `cron` is the exact expression of wrangler.toml `[triggers] crons` that fires it. */
export interface Job {
  name: string;
  cron: string;
  run(env: Env, controller: ScheduledController, ctx: ExecutionContext): Promise<void>;
}

/**
 * One capability of the product (dcim, telemetry, ...) or of the platform itself (identity, audit, system),
 * as worker/domains.ts lists it. Everything that needs "all the domains" reads that list: the app mounts their
 * routes, the db client and drizzle-kit take their tables, the scheduled handler runs their jobs, the OpenAPI
 * document describes what they mounted.
 */
export interface Domain {
  name: string;
  /** drizzle tables: the module namespace of the domain's tables.ts (`import * as tables`) */
  tables?: Record<string, unknown>;
  /** routes under /api, declared through the Api registry (validation, access, OpenAPI) */
  mount?(api: Api): void;
  /** routes outside /api (GET /metrics, where Prometheus looks); `platform` is the middleware /api runs */
  mountRoot?(root: Hono<AppEnv>, platform: MiddlewareHandler<AppEnv>[]): void;
  jobs?: Job[];
  /** Durable Object classes by class name; worker/index.ts exports each one and wrangler.toml binds it */
  objects?: Record<string, abstract new (...args: never[]) => unknown>;
}

export const defineDomain = <const D extends Domain>(domain: D): D => domain;
