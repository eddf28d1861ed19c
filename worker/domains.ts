import type { Domain } from './platform/domain';
import { system } from './platform/system';
import { identity } from './platform/identity';
import { audit } from './platform/audit';
import { dcim } from './dcim';
import { analytics } from './analytics';
import { compliance } from './compliance';
import { search } from './search';
import { demo } from './demo';
import { telemetry } from './telemetry';
import { alerting } from './alerting';
import { virtualization } from './virtualization';
import { ai } from './ai';
import { storage } from './storage';
import { network } from './network';
import { power } from './power';
import { ipam } from './ipam';
import { vulnerabilities } from './vulnerabilities';
import { deviceTypes } from './device-types';
import { imports } from './imports';
import { cost } from './cost';
import { optimisation } from './optimisation';
import { efficiency } from './efficiency';
import { remediation } from './remediation';

/**
 * The one list of what the Worker is made of, platform modules first. The app mounts their routes in this order,
 * the db client takes their tables, the scheduled handler runs their jobs, worker/index.ts exports their Durable
 * Objects (tests/unit/domains.test.ts checks that and drizzle.config.ts against this list).
 * Adding a domain: a folder with the same inner shape as dcim/, and one line here.
 */
export const DOMAINS: readonly Domain[] = [
  system,
  identity,
  dcim,
  analytics,
  audit,
  compliance,
  search,
  demo,
  telemetry,
  alerting,
  virtualization,
  ai,
  storage,
  network,
  power,
  ipam,
  vulnerabilities,
  deviceTypes,
  imports,
  cost,
  optimisation,
  remediation,
  efficiency,
];

/** Every table of every domain, by export name (tests/unit/domains.test.ts checks drizzle-kit's migrations see them all). */
export const schema = Object.assign({}, ...DOMAINS.map((d) => d.tables ?? {})) as Record<string, unknown>;
