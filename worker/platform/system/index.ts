import { defineDomain } from '../domain';
import { mountSystem } from './routes';

/** Health, the OpenAPI document and its reader. */
export const system = defineDomain({ name: 'system', mount: mountSystem });
