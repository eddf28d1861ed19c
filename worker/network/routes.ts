import type { Api } from '../platform/http/api';

export function mountNetwork(api: Api) {
  void api;
}
