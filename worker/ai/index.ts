import { defineDomain } from '../platform/domain';
import { mountAi } from './routes';
import { aiJobs } from './jobs';
import * as tables from './tables';

/**
 * AI operations: the streaming anomaly detector (run inside the rack objects, rack-anomalies.ts), the nightly
 * forecasts of the hourly series (forecast-job.ts), disk failure risk (disk-risk.ts), and what the API and the
 * pages read of them. Capacity forecasting and planning, built on growth.ts, are served by analytics.
 */
export const ai = defineDomain({ name: 'ai', tables, mount: mountAi, jobs: aiJobs });
