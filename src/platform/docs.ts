import { Hono } from 'hono';
import { join } from 'node:path';

// Swagger UI ships inside the swagger-ui-dist package: /docs works offline, no CDN.
const UI_DIR = join(import.meta.dir, '..', '..', 'node_modules', 'swagger-ui-dist');
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>tillstream API</title><link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><p style="font:14px system-ui;margin:12px 20px">OpenAPI document: <a href="/openapi.json">/openapi.json</a>
 · Event catalogue (AsyncAPI): <a href="/asyncapi.json">/asyncapi.json</a></p>
<div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });</script>
</body></html>`;

export function docsRoutes() {
  return new Hono()
    .get('/docs', (c) => c.html(PAGE))
    .get('/docs/assets/:file', async (c) => {
      const file = c.req.param('file');
      const type = ASSETS[file];
      if (!type) return c.notFound();
      return c.body(await Bun.file(join(UI_DIR, file)).arrayBuffer(), 200, {
        'Content-Type': type, 'Cache-Control': 'public, max-age=86400',
      });
    });
}
