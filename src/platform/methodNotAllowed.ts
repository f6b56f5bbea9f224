import type { Context, MiddlewareHandler } from 'hono';
import { problem } from './errors.ts';

// 405 for a known path asked with a method it does not serve: the route table (Hono's `app.routes`,
// complete once the app is built) says which methods each path answers, so a client that sent PUT
// where PATCH is meant learns the right verb from `Allow` instead of a 404 "no route" that reads as a
// wrong URL. Middleware entries (method ALL, or a `*` path) are not routes.

type Route = { method: string; path: string };
type Pattern = { test: RegExp; methods: Set<string> };

/** `/api/v1/customers/:id` (or `:id{[0-9]+}`) → the regex source for one concrete path, unanchored. */
function sourceOf(path: string): string {
  const parts = path.split('/').map((seg) => {
    if (seg.startsWith(':')) {
      const custom = /^:[^{]+\{(.+)\}\??$/.exec(seg);
      return custom ? `(?:${custom[1]})` : '[^/]+';
    }
    return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return parts.join('/');
}

/** The methods a path answers (empty when no route matches it at all); `serves` asks about one method. */
export type Allowed = ((path: string) => string[]) & { serves: (method: string, path: string) => boolean };

/** A lookup over the route table, built on first use (the table is complete once the app is). */
export function allowedMethods(routes: readonly Route[]): Allowed {
  let patterns: Pattern[] | null = null;
  /**
   * Per method, one regex of every path it answers: the guard runs on every /api request, and one
   * test of an alternation is far cheaper than testing each route in turn and sorting the answer
   * (3.5% of a redemption's samples). The full list is made only for a refusal, or for CORS.
   */
  let byMethod: Map<string, RegExp> | null = null;
  const build = () => {
    const byPath = new Map<string, Set<string>>();
    for (const r of routes) {
      if (r.method === 'ALL' || r.path.includes('*')) continue;
      const methods = byPath.get(r.path) ?? new Set<string>();
      methods.add(r.method.toUpperCase());
      if (r.method.toUpperCase() === 'GET') methods.add('HEAD'); // Hono answers HEAD with the GET route
      byPath.set(r.path, methods);
    }
    patterns = [...byPath].map(([path, methods]) => ({ test: new RegExp(`^${sourceOf(path)}/?$`), methods }));
    const sources = new Map<string, string[]>();
    for (const [path, methods] of byPath) for (const m of methods) sources.set(m, [...(sources.get(m) ?? []), sourceOf(path)]);
    byMethod = new Map([...sources].map(([m, list]) => [m, new RegExp(`^(?:${list.join('|')})/?$`)]));
    return patterns;
  };
  const allowed = (path: string) => {
    const list = patterns ?? build();
    const methods = new Set<string>();
    for (const p of list) if (p.test.test(path)) for (const m of p.methods) methods.add(m);
    return [...methods].sort();
  };
  return Object.assign(allowed, {
    serves: (method: string, path: string) => {
      if (!byMethod) build();
      return byMethod!.get(method)?.test(path) ?? false;
    },
  });
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
export function methodGuard(allowed: Allowed): MiddlewareHandler {
  return async (c, next) => {
    if (allowed.serves(c.req.method, c.req.path)) return next();
    const methods = allowed(c.req.path);
    if (methods.length > 0 && !methods.includes(c.req.method)) return noRoute(c, allowed);
    await next();
  };
}
