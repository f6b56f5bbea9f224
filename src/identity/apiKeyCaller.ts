import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Deps } from '../platform/deps.ts';
import type { Caller } from './caller.ts';
import { hashApiKey } from './apiKeys.ts';
import { ApiError } from '../platform/errors.ts';

// last_used_at is a hint for operators, not an audit trail: write it at most once a minute per key.
const LAST_USED_EVERY_MS = 60_000;

/** Resolve `Authorization: Bearer <key>` to the caller's tenant. The tenant never comes from the URL or body. */
export async function callerFromApiKey(deps: Deps, header: string | undefined): Promise<Caller | null> {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  if (!match) return null;
  const [row] = await deps.sql`
    select k.id, k.tenant_id, t.slug, t.default_country, k.last_used_at
    from api_keys k join tenants t on t.id = k.tenant_id
    where k.key_hash = ${hashApiKey(match[1])} and k.revoked_at is null`;
  if (!row) return null;
  if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > LAST_USED_EVERY_MS) {
    deps.sql`update api_keys set last_used_at = now() where id = ${row.id}`.catch(() => {});
  }
  return {
    tenantId: row.tenant_id, tenantSlug: row.slug, defaultCountry: row.default_country,
    actor: `key:${row.id}`, keyId: row.id, adminId: null, role: 'key',
  };
}

export function requireApiKey(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get('caller')) return next(); // already authenticated (admin session on the shared stream)
    const caller = await callerFromApiKey(deps, c.req.header('authorization'));
    if (!caller) throw new ApiError(401, 'unauthorized', 'A valid API key is required: Authorization: Bearer <key>.');
    c.set('caller', caller);
    await next();
  };
}
