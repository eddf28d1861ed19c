import { defineDomain } from '../platform/domain';
import { mountDemo } from './routes';

/** The demo estate loader (local development only). */
export const demo = defineDomain({ name: 'demo', mount: mountDemo });
