// Passwords people pick first, from zxcvbn-ts' common list (49k entries, MIT). Loaded on first use only: the
// list is decompressed at import, which sign-ins and reads never need.
let common: Promise<Set<string>> | undefined;
const load = () =>
  (common ??= import('@zxcvbn-ts/language-common/dist/passwords.json.mjs').then(
    (m) => new Set((m.default as string[]).map((p) => p.toLowerCase())),
  ));

/** Words of this product that make a password guessable whatever the list says. */
const CONTEXT = ['dcplatform', 'dc-platform', 'datacenter', 'datacentre', 'admin', 'administrator'];

/**
 * A password is common when it is on the list, or is a listed word (or this product's name) dressed up with
 * leading/trailing digits and symbols — "Password2026!" is "password".
 */
export async function isCommonPassword(password: string, username?: string): Promise<boolean> {
  const lower = password.toLowerCase();
  const core = lower.replace(/^[^a-z]+|[^a-z]+$/g, '');
  if (username && core === username.toLowerCase()) return true;
  if (CONTEXT.includes(core)) return true;
  const list = await load();
  return list.has(lower) || (core.length >= 4 && list.has(core));
}
