import { defineDomain } from '../platform/domain';
import { mountEfficiency } from './routes';

/** Power and cooling recommendations, computed on demand from the telemetry rollups (no tables of its own). */
export const efficiency = defineDomain({ name: 'efficiency', mount: mountEfficiency });
