import type { Actor } from '../context';
import { forbidden, unauthorized } from '../http/problem';

/**
 * Managing credentials needs a signed-in person (or an admin-scoped token): a read token must not mint a write
 * one. `personOnly`: no API token at all, whatever its scopes (second factors belong to a person).
 */
export function assertCredentialManager(user: Actor | null, opts: { personOnly?: boolean } = {}): Actor {
  if (!user) throw unauthorized();
  if (user.scopes && (opts.personOnly || !user.scopes.includes('admin'))) {
    throw forbidden(
      opts.personOnly
        ? 'Second factors are managed by a signed-in person, not through an API token.'
        : 'API tokens cannot manage tokens or sessions; sign in, or use a token with the "admin" scope.',
    );
  }
  return user;
}
