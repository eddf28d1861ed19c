// Copies Swagger UI's bundle into the static build so /api/docs needs no CDN.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('swagger-ui-dist/package.json'));
const out = 'build/docs-assets';
mkdirSync(out, { recursive: true });
for (const f of ['swagger-ui-bundle.js', 'swagger-ui.css']) copyFileSync(join(dist, f), join(out, f));
// an external script rather than inline, so a strict Content-Security-Policy can forbid inline scripts
writeFileSync(
  join(out, 'docs-init.js'),
  `window.addEventListener('load', () => {
  const spec = document.currentScript?.dataset.spec ?? document.querySelector('script[data-spec]').dataset.spec;
  window.ui = SwaggerUIBundle({ url: spec, dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true,
    tryItOutEnabled: false, displayRequestDuration: true, docExpansion: 'list', defaultModelsExpandDepth: 0 });
});
`,
);
console.log(`docs assets copied to ${out}`);
