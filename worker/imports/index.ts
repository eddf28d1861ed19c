import { defineDomain } from '../platform/domain';
import * as tables from './tables';
import { mountImports } from './routes';

/** Imports from other tools (NetBox), with links from their ids to ours so a re-import updates. */
export const imports = defineDomain({ name: 'imports', tables, mount: mountImports });
