import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { crossSite } from '../identity/csrf.ts';
import { readForm } from '../platform/readForm.ts';
import {
  SESSION_COOKIE, SESSION_HOURS, createSession, destroySession, newLoginToken, sameSecret, verifyAdmin,
} from '../identity/sessions.ts';
import { clearSignInFailures, releaseSignInAttempt, reserveSignInAttempt } from '../identity/signInThrottle.ts';
import { tenantBySlug } from '../identity/tenants.ts';
import type { LiveDeps } from '../realtime/hub.ts';
import { ApiError } from '../platform/errors.ts';
import { log } from '../platform/log.ts';
import { LoginPage } from '../../views/shell/login.tsx';
import { type AdminEnv, page } from './context.ts';
import type { Directory } from './directory.ts';

const LOGIN_COOKIE = 'ts_login';

/**
 * Sign-in and sign-out. Before a session exists the CSRF token is a double-submit cookie: the sign-in
 * form must echo it. The lock-out after repeated failures is identity/signInThrottle.ts.
 */
export function signInPages(deps: LiveDeps, directory: Directory) {
  const { sql, config } = deps;
  const cookieOpts = { httpOnly: true, sameSite: 'Lax' as const, secure: config.COOKIE_SECURE, path: '/' };
  const app = new Hono<AdminEnv>();

  app.get('/login', async (c) => {
    const t = await tenantBySlug(sql, c.req.param('tenant') ?? '');
    if (!t) throw new ApiError(404, 'not_found', 'Page not found.');
    const token = newLoginToken();
    setCookie(c, LOGIN_COOKIE, token, { ...cookieOpts, path: `/${t.slug}/admin/login`, maxAge: 3600 });
    c.header('Cache-Control', 'no-store');
    return page(c, <LoginPage slug={t.slug} tenantName={t.name} csrf={token} />);
  });

  app.post('/login', async (c) => {
    const t = await tenantBySlug(sql, c.req.param('tenant') ?? '');
    if (!t) throw new ApiError(404, 'not_found', 'Page not found.');
    const form = await readForm(c);
    const email = typeof form.email === 'string' ? form.email.trim().toLowerCase() : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const presented = typeof form._csrf === 'string' ? form._csrf : '';
    const expected = getCookie(c, LOGIN_COOKIE);
    if (crossSite(c) || !sameSecret(presented, expected)) {
      throw new ApiError(403, 'csrf_failed', 'The sign-in form expired or came from another site. Reload it and try again.');
    }
    c.header('Cache-Control', 'no-store');
    // The turn is taken (and a failure recorded) before the password is verified: see signInThrottle.ts.
    const turn = email ? await reserveSignInAttempt(sql, t.id, email) : null;
    if (turn && 'retryAfter' in turn) {
      c.header('Retry-After', String(turn.retryAfter));
      const minutes = Math.ceil(turn.retryAfter / 60);
      return page(c, <LoginPage slug={t.slug} tenantName={t.name} csrf={presented} email={email}
        error={`Too many failed sign-ins for this email. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`} />, 429);
    }
    let adminId: string | null;
    try {
      adminId = email && password ? await verifyAdmin(sql, t.id, email, password) : null;
    } catch (err) {
      // Not a wrong password but our fault: give the turn back, and let the error path answer for err.
      if (turn) await releaseSignInAttempt(sql, t.id, email, turn.reservedAt)
        .catch((e) => log.warn('a sign-in reservation could not be given back; it counts as a failure', e));
      throw err;
    }
    if (!adminId) {
      // The reservation stays: it is this failure.
      return page(c, <LoginPage slug={t.slug} tenantName={t.name} csrf={presented} email={email}
        error="That email and password do not match an admin of this restaurant." />, 401);
    }
    await clearSignInFailures(sql, t.id, email);
    // A fresh token on every sign-in: a cookie planted before sign-in is never promoted.
    await destroySession(sql, getCookie(c, SESSION_COOKIE));
    const token = await createSession(sql, adminId, t.id);
    setCookie(c, SESSION_COOKIE, token, { ...cookieOpts, maxAge: SESSION_HOURS * 3600 });
    deleteCookie(c, LOGIN_COOKIE, { path: `/${t.slug}/admin/login` });
    void directory.load([t.id]); // this admin's email, for the toasts of their first actions
    return c.redirect(`/${t.slug}/admin/dashboard`, 303);
  });

  app.post('/logout', async (c) => {
    const ended = await destroySession(sql, getCookie(c, SESSION_COOKIE));
    // Deleted first, so a page reconnecting meanwhile is refused; then this instance's streams of the
    // session close now. Other instances close theirs at their next sweep (KEY_SWEEP_MS).
    if (ended) deps.hub.closeSession(ended);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect(`/${c.req.param('tenant')}/admin/login`, 303);
  });

  return app;
}
