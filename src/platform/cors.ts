import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './deps.ts';
import type { Sql } from './database.ts';
import { log } from './log.ts';
import { isExactOrigin } from './origins.ts';

// CORS for browser POS, per tenant: each tenant lists its tills' origins (settings `corsOrigins`).
// A preflight (OPTIONS with Origin and Access-Control-Request-Method) carries no key, so it cannot know
// the tenant: it is answered before auth, permissively, for an origin on ANY tenant's list (saying
// only "this origin may try"). The real request carries the key: its response gets
// Access-Control-Allow-Origin only when the origin is on that key's tenant's list, so a page on one
// tenant's origin can never read another tenant's answers. A response with no caller (401, 405) is
// judged like a preflight: it holds nothing of any tenant's. Never `*`, never credentials (cookies):
// browser tills send `Authorization: Bearer`.

/** Request headers a browser till may send. */
export const CORS_ALLOW_HEADERS = ['Authorization', 'Content-Type', 'Accept', 'Idempotency-Key', 'If-Match', 'Last-Event-ID'];
/** Response headers a browser till may read (beyond the CORS-safelisted ones). */
export const CORS_EXPOSE_HEADERS = ['ETag', 'Idempotent-Replayed', 'Retry-After', 'Location', 'Allow', 'WWW-Authenticate', 'Content-Disposition'];
/** How long a browser may cache a preflight, in seconds. */
export const CORS_MAX_AGE_SECONDS = 600;

async function onAnyList(sql: Sql, origin: string): Promise<boolean> {
  const rows = await sql`select 1 from tenants where cors_origins @> array[${origin}]::text[] limit 1`;
  return rows.length > 0;
}

async function onTenantList(sql: Sql, tenantId: string, origin: string): Promise<boolean> {
  const rows = await sql`select 1 from tenants where id = ${tenantId} and ${origin} = any(cors_origins)`;
  return rows.length > 0;
}

/** Vary: Origin on every answer to a cross-origin request, so a shared cache never mixes origins. */
function vary(headers: Headers) {
  const v = headers.get('Vary');
  if (!v) headers.set('Vary', 'Origin');
  else if (!/\borigin\b/i.test(v)) headers.set('Vary', `${v}, Origin`);
}

export function cors(sql: Sql, allowed: (path: string) => string[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const origin = c.req.header('origin');
    // Same-origin requests (the admin pages' own calls) need nothing.
    if (!origin || origin === new URL(c.req.url).origin) return next();
    const wanted = c.req.header('access-control-request-method');
    if (c.req.method === 'OPTIONS' && wanted) {
      const methods = allowed(c.req.path).filter((m) => m !== 'HEAD');
      const headers = new Headers();
      vary(headers);
      if (methods.length > 0 && isExactOrigin(origin) && (await onAnyList(sql, origin))) {
        headers.set('Access-Control-Allow-Origin', origin);
        headers.set('Access-Control-Allow-Methods', methods.join(', '));
        headers.set('Access-Control-Allow-Headers', CORS_ALLOW_HEADERS.join(', '));
        headers.set('Access-Control-Max-Age', String(CORS_MAX_AGE_SECONDS));
      }
      // Without the allow headers the browser refuses the real request: nothing more to say.
      return new Response(null, { status: 204, headers });
    }
    await next();
    vary(c.res.headers);
    if (!isExactOrigin(origin)) return;
    let ok = false;
    try {
      const caller = c.get('caller') as AppEnv['Variables']['caller'] | undefined;
      ok = caller ? await onTenantList(sql, caller.tenantId, origin) : await onAnyList(sql, origin);
    } catch (err) {
      // The answer itself is already made; without the header the browser hides it, which is all a failed check may do.
      log.warn(`cors: could not check ${origin}`, err);
    }
    if (!ok) return;
    c.res.headers.set('Access-Control-Allow-Origin', origin);
    c.res.headers.set('Access-Control-Expose-Headers', CORS_EXPOSE_HEADERS.join(', '));
  };
}
