import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv, Deps } from '../platform/deps.ts';
import { ApiError } from '../platform/errors.ts';
import { retryingRead } from '../platform/database.ts';
import { bearerKey, hashApiKey, keyAuthFromHash, touchKey, type KeyAuth } from './apiKeys.ts';
import type { AuthCache } from './authCache.ts';
import { csrfOk, isSafeMethod } from './csrf.ts';
import { SESSION_COOKIE, callerFromSession, sessionFromToken, type SessionAuth } from './sessions.ts';

/**
 * Who is calling /api/v1, resolved once per request into `caller`; what they may do is the policy's
 * business (./policy.ts), asked by the domain. Two credentials:
 * - `Authorization: Bearer <key>`: POS terminals and integrators. The tenant comes from the key, never
 *   from the URL or body. An Authorization header always wins.
 * - A signed-in admin's session cookie (the admin pages' browser, e.g. on the shared event stream). A
 *   cookie is sent by the browser on its own, so every state-changing call must also carry the session's
 *   CSRF token (X-CSRF-Token) and not be cross-site.
 */
/** 403 for a session whose admin signed in with a one-time password; says where to set their own. */
export function passwordChangeRequired(tenantSlug: string) {
  const where = `/${tenantSlug}/admin/password`;
  return new ApiError(403, 'password_change_required',
    `This admin signed in with a one-time password and must choose their own first, at ${where}.`, { location: where });
}

/**
 * With `auth` and `sessions`, resolved keys and sessions are kept in the process (./authCache.ts);
 * without, every request asks Postgres.
 */
export function resolveApiCaller(deps: Deps & { auth?: AuthCache<KeyAuth>; sessions?: AuthCache<SessionAuth> }): MiddlewareHandler<AppEnv> {
  const lookup = (keyHash: string) => retryingRead(() => keyAuthFromHash(deps.sql, keyHash));
  return async (c, next) => {
    const authorization = c.req.header('authorization');
    const token = authorization ? undefined : getCookie(c, SESSION_COOKIE);
    // A lookup, so a dropped connection under it is retried once on a fresh one (before any write).
    const session = token ? await retryingRead(() => sessionFromToken(deps.sql, token, deps.sessions)) : null;
    if (session) {
      if (!isSafeMethod(c.req.method) && !(await csrfOk(c, session.csrf))) {
        throw new ApiError(403, 'csrf_failed', 'A cookie-authenticated request must carry the X-CSRF-Token header of its session.');
      }
      // A one-time password opens nothing but the page that replaces it (src/admin/password.tsx).
      if (session.passwordMustChange) throw passwordChangeRequired(session.tenantSlug);
      c.set('caller', callerFromSession(session));
      return next();
    }
    const key = bearerKey(authorization);
    const keyHash = key ? hashApiKey(key) : null;
    const auth = !keyHash ? null : deps.auth ? await deps.auth.get(keyHash, () => lookup(keyHash)) : await lookup(keyHash);
    if (auth) touchKey(deps.sql, auth);
    const caller = auth?.caller;
    if (!caller) throw new ApiError(401, 'unauthorized', 'A valid API key is required: Authorization: Bearer <key>.');
    c.set('caller', caller);
    await next();
  };
}
