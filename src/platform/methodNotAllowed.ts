import type { Context, MiddlewareHandler } from 'hono';
import { problem } from './errors.ts';

// 405 for a known path asked with a method it does not serve: the route table (Hono's `app.routes`,
// complete once the app is built) says which methods each path answers, so a client that sent PUT
// where PATCH is meant learns the right verb from `Allow` instead of a 404 "no route" that reads as a
// wrong URL. Middleware entries (method ALL, or a `*` path) are not routes.

type Route = { method: string; path: string };
type Pattern = { test: RegExp; methods: Set<string> };

/** `/api/v1/customers/:id` (or `:id{[0-9]+}`) → a regex for one concrete path. */
function patternOf(path: string): RegExp {
  const parts = path.split('/').map((seg) => {
    if (seg.startsWith(':')) {
      const custom = /^:[^{]+\{(.+)\}\??$/.exec(seg);
      return custom ? `(?:${custom[1]})` : '[^/]+';
    }
    return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('/')}/?$`);
}

/** A lookup: the methods a path answers (empty when no route matches it at all). */
export function allowedMethods(routes: readonly Route[]): (path: string) => string[] {
  let patterns: Pattern[] | null = null;
  const build = () => {
    const byPath = new Map<string, Set<string>>();
    for (const r of routes) {
      if (r.method === 'ALL' || r.path.includes('*')) continue;
      const methods = byPath.get(r.path) ?? new Set<string>();
      methods.add(r.method.toUpperCase());
      if (r.method.toUpperCase() === 'GET') methods.add('HEAD'); // Hono answers HEAD with the GET route
      byPath.set(r.path, methods);
    }
    return [...byPath].map(([path, methods]) => ({ test: patternOf(path), methods }));
  };
  return (path) => {
    patterns ??= build();
    const allowed = new Set<string>();
    for (const p of patterns) if (p.test.test(path)) for (const m of p.methods) allowed.add(m);
    return [...allowed].sort();
  };
}

/** The answer for a request no route took: 405 with Allow when the path is known, else 404. */
export function noRoute(c: Context, allowed: (path: string) => string[]): Response {
  const methods = allowed(c.req.path);
  if (methods.length > 0 && !methods.includes(c.req.method)) {
    const body = problem(405, 'method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(', ')}.`, { allow: methods });
    return c.body(JSON.stringify(body), 405, { 'Content-Type': 'application/problem+json', Allow: methods.join(', ') });
  }
  return c.body(JSON.stringify(problem(404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`)), 404, {
    'Content-Type': 'application/problem+json',
  });
}

/**
 * The same judgement before authentication, for /api: the route table is public (it is /openapi.json),
 * so a wrong verb is answered 405 whether or not the request carries a key, rather than 401 first.
 */
export function methodGuard(allowed: (path: string) => string[]): MiddlewareHandler {
  return async (c, next) => {
    const methods = allowed(c.req.path);
    if (methods.length > 0 && !methods.includes(c.req.method)) return noRoute(c, allowed);
    await next();
  };
}
