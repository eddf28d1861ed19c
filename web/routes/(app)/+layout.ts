import { redirect } from '@sveltejs/kit';
import { session } from '$lib/session.svelte';
import type { LayoutLoad } from './$types';

// Every page of the app needs a signed-in user; without one, go to the sign-in page and come back after.
export const load: LayoutLoad = async ({ url, untrack }) => {
  const me = await session.load();
  if (!me) {
    const next = untrack(() => url.pathname + url.search);
    redirect(307, next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`);
  }
  return {};
};
