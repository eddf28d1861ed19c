import { defineDomain } from '../platform/domain';
import { mountAi } from './routes';

/**
 * AI operations: the streaming anomaly detector (run inside the rack objects, rack-anomalies.ts) and what the
 * API and the pages read of it. Forecasting, planning and failure prediction come next (issue 11).
 */
export const ai = defineDomain({ name: 'ai', mount: mountAi });
