// The signed-in user and what they may do. The session itself is an HttpOnly cookie the browser sends.
import { api, onSessionEnded } from './api';
import type { Me } from './types';

import type { Permission } from '../../worker/platform/access/permissions';

export type { Permission };

class Session {
  user = $state<Me | null>(null);
  loaded = $state(false);
  #pending: Promise<Me | null> | null = null;

  /** Fetch the current user once (GET /api/users/me); resolves null when signed out. */
  load(force = false): Promise<Me | null> {
    if (this.loaded && !force) return Promise.resolve(this.user);
    if (this.#pending && !force) return this.#pending;
    this.#pending = api
      .get<Me>('/users/me', { allow401: true })
      .then((me) => (this.user = me))
      .catch(() => (this.user = null))
      .finally(() => {
        this.loaded = true;
        this.#pending = null;
      });
    return this.#pending;
  }

  async signIn(username: string, password: string): Promise<Me> {
    const me = await api.post<Me>('/session', { username, password }, { allow401: true });
    this.user = me;
    this.loaded = true;
    return me;
  }

  async signOut() {
    try {
      await api.del('/session', { allow401: true });
    } finally {
      this.clear();
    }
  }

  clear() {
    this.user = null;
    this.loaded = true;
  }

  can(permission: Permission): boolean {
    return this.user?.permissions.includes(permission) ?? false;
  }
}

export const session = new Session();

onSessionEnded(() => session.clear());
