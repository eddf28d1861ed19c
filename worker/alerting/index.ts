import { defineDomain } from '../platform/domain';
import * as tables from './tables';
import './access';
import { mountAlerting } from './routes';

/** Alert rules, alerts and their lifecycle (acknowledge, resolve, history). */
export const alerting = defineDomain({ name: 'alerting', tables, mount: mountAlerting });
