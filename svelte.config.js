import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html' }),
    files: {
      src: 'web',
      assets: 'web/static',
      lib: 'web/lib',
      routes: 'web/routes',
      appTemplate: 'web/app.html',
    },
    // the UI validates forms with the very valibot schemas the API uses
    alias: { $worker: 'worker' },
  },
};
