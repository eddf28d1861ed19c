import { defineDomain } from '../platform/domain';
import * as tables from './tables';

/** Vulnerability catalogue (CISA KEV, OSV), matching against inventory versions, findings and configuration scanning. */
export const vulnerabilities = defineDomain({ name: 'vulnerabilities', tables });
