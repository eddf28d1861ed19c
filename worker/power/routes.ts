import type { Api } from '../platform/http/api';

export function mountPower(api: Api) {
  void api;
}
