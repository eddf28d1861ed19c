import { createApp } from './app';
import type { Env } from './env';
import { runScheduled } from './cron';

export { AuditChain } from '../durable-objects/audit-chain';
export { RackTelemetry } from '../durable-objects/rack-telemetry';
export { DatacenterLive } from '../durable-objects/datacenter-live';
export { AlertHub } from '../durable-objects/alert-hub';
export { SiteAgent } from '../durable-objects/site-agent';

const { app } = createApp();

export default {
  fetch: app.fetch,
  scheduled: (controller, env, ctx) => runScheduled(controller, env, ctx),
} satisfies ExportedHandler<Env>;
