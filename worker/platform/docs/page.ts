/**
 * The API reference page. Swagger UI's files are copied from the swagger-ui-dist package into the static build
 * (scripts/copy-docs-assets.mjs), so the page works with no internet access.
 */
export const docsPage = (specUrl: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>DC Platform API reference</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
  <link rel="stylesheet" href="/docs-assets/swagger-ui.css" />
  <style>body{margin:0} .topbar{display:none} #fallback{font:15px system-ui;padding:2rem}</style>
</head>
<body>
  <div id="swagger-ui"><p id="fallback">Loading the API reference… The machine-readable document is at
  <a href="${specUrl}">${specUrl}</a>.</p></div>
  <script src="/docs-assets/swagger-ui-bundle.js"></script>
  <script src="/docs-assets/docs-init.js" data-spec="${specUrl}"></script>
</body>
</html>`;
