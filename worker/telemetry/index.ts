import { RackTelemetry } from '../../durable-objects/rack-telemetry';
import { DatacenterLive } from '../../durable-objects/datacenter-live';
import { defineDomain } from '../platform/domain';
import * as tables from './tables';
import { mountTelemetry, mountTelemetryRoot } from './routes';
import { telemetryJobs } from './jobs';

/** Ingest (Prometheus, Influx, OTLP, JSON), per-rack live state, rollups, queries, live sockets, /metrics. */
export const telemetry = defineDomain({
  name: 'telemetry',
  tables,
  mount: mountTelemetry,
  mountRoot: mountTelemetryRoot,
  jobs: telemetryJobs,
  objects: { RackTelemetry, DatacenterLive },
});
