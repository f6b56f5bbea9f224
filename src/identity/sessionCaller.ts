import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv, Deps } from '../platform/deps.ts';
import { ApiError } from '../platform/errors.ts';
import { csrfOk, isSafeMethod } from './csrf.ts';
import { SESSION_COOKIE, callerFromSession, sessionFromToken } from './sessions.ts';

/**
 * Cookie-authenticated JSON: a signed-in admin's browser may call /api/v1 (for example the shared event
 * stream) with its session instead of an API key. A cookie is sent by the browser on its own, so every
 * state-changing call must also carry the session's CSRF token (X-CSRF-Token) and not be cross-site.
 * An Authorization header always wins: API-key callers are untouched.
 */
export function sessionCallerForApi(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.header('authorization')) return next();
    const token = getCookie(c, SESSION_COOKIE);
    if (!token) return next();
    const session = await sessionFromToken(deps.sql, token);
    if (!session) return next();
    if (!isSafeMethod(c.req.method) && !(await csrfOk(c, session.csrf))) {
      throw new ApiError(403, 'csrf_failed', 'A cookie-authenticated request must carry the X-CSRF-Token header of its session.');
    }
    c.set('caller', callerFromSession(session));
    await next();
  };
}
