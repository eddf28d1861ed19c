import { defineDomain } from '../platform/domain';
import { mountAnalytics } from './routes';

/** Dashboard figures and capacity, computed from the inventory and the live summaries. */
export const analytics = defineDomain({ name: 'analytics', mount: mountAnalytics });
