import type { Api } from '../platform/http/api';

export function mountStorage(api: Api) {
  void api;
}
