import { defineDomain } from '../platform/domain';
import { mountCompliance } from './routes';

/** Controls of SOC 2 / ISO 27001 / PCI DSS evaluated against the live configuration, with evidence. */
export const compliance = defineDomain({ name: 'compliance', mount: mountCompliance });
