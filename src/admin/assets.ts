import { Hono } from 'hono';
import { join } from 'node:path';
import { ASSETS } from '../../views/shell/layout.tsx';

// Scripts and styles for the back office, served from the installed packages and this folder: the
// pages work on a counter tablet with no internet (no CDN).

const resolve = (specifier: string) => Bun.resolveSync(specifier, import.meta.dir);

const FILES: Record<string, { path: string; type: string }> = {
  'htmx.js': { path: resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
  'hx-sse.js': { path: resolve('htmx.org/dist/ext/hx-sse.min.js'), type: 'text/javascript; charset=utf-8' },
  'admin.js': { path: join(import.meta.dir, 'assets', 'admin.js'), type: 'text/javascript; charset=utf-8' },
  'admin.css': { path: join(import.meta.dir, 'assets', 'admin.css'), type: 'text/css; charset=utf-8' },
  'orders.css': { path: join(import.meta.dir, 'assets', 'orders.css'), type: 'text/css; charset=utf-8' },
};

export function assetRoutes() {
  const app = new Hono();
  app.get(`${ASSETS}/:file`, async (c) => {
    const f = FILES[c.req.param('file')];
    if (!f) return c.notFound();
    const file = Bun.file(f.path);
    // Short caching: a deploy's new script reaches open tablets within minutes, yet a page load does not
    // refetch four files.
    return new Response(file, { headers: { 'Content-Type': f.type, 'Cache-Control': 'public, max-age=300' } });
  });
  return app;
}
