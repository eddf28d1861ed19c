import { defineDomain } from '../domain';
import type { Api } from '../http/api';
import * as tables from './tables';
import { mountAuth } from './routes';
import { mountTokenRoutes } from './token-routes';
import { mountPasskeyRoutes } from './passkey-routes';
import { mountMfaRoutes } from './mfa-routes';

/** Users, sessions, API tokens, passkeys, MFA and step-up. */
export const identity = defineDomain({
  name: 'identity',
  tables,
  mount(api: Api) {
    mountAuth(api);
    mountTokenRoutes(api);
    mountPasskeyRoutes(api);
    mountMfaRoutes(api);
  },
});
