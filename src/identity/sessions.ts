import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Caller } from './caller.ts';
import type { Sql } from '../platform/database.ts';
import type { AuthCache } from './authCache.ts';
import { changingCredentials } from './credentialChanges.ts';

/** A signed-in admin, resolved from the session cookie on every request (from the process's cache when it can). */
export type Session = {
  /** The session's id: the sha256 of its cookie token, as stored (the token itself is never kept). */
  id: string;
  adminId: string;
  email: string;
  role: 'owner' | 'staff';
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  defaultCountry: string;
  currency: string;
  /** The tenant's zone (settings `timezone`): the admin pages show times in it. */
  timeZone: string;
  csrf: string;
  /** A staff admin limited to one site, or null. */
  boundLocationId: string | null;
  /** The site picked in the page header, or null. */
  chosenLocationId: string | null;
  /** Signed in with a one-time password: nothing but setting their own (src/admin/password.tsx) until done. */
  passwordMustChange: boolean;
};

export const SESSION_COOKIE = 'ts_session';
export const SESSION_HOURS = 12;
// last_seen_at / expiry slide forward at most once a minute per session: reads stay reads.
const TOUCH_EVERY_MS = 60_000;

const token = () => randomBytes(32).toString('base64url');
const hash = (t: string) => createHash('sha256').update(t).digest('hex');

/** Constant-time string comparison (tokens are compared as secrets). */
export function sameSecret(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// Verifying against a fixed hash when the email is unknown keeps "no such admin" and "wrong password"
// equally slow, so response time does not reveal which emails exist.
let dummyHash: Promise<string> | null = null;

/**
 * The active admin with this email and password in this tenant, or null. A deactivated admin's
 * password is still verified (same time, same answer as a wrong one), so the answer never says which.
 */
export async function verifyAdmin(sql: Sql, tenantId: string, email: string, password: string) {
  const [row] = await sql`select id, password_hash, deactivated_at from admins
    where tenant_id = ${tenantId} and email = ${email.trim().toLowerCase()}`;
  if (!row) {
    dummyHash ??= Bun.password.hash('not-a-real-password');
    await Bun.password.verify(password, await dummyHash);
    return null;
  }
  const matches = await Bun.password.verify(password, row.password_hash);
  return matches && row.deactivated_at === null ? (row.id as string) : null;
}

/** A new session; the returned token goes in the cookie and is never stored. */
export async function createSession(sql: Sql, adminId: string, tenantId: string) {
  const t = token();
  await sql`insert into admin_sessions (token_hash, admin_id, tenant_id, csrf_token, expires_at)
    values (${hash(t)}, ${adminId}, ${tenantId}, ${token()}, now() + make_interval(hours => ${SESSION_HOURS}))`;
  // Sign-in is a good moment to forget this admin's long-expired sessions.
  await sql`delete from admin_sessions where admin_id = ${adminId} and expires_at < now()`;
  return t;
}

/**
 * A session as the process caches it (identity/authCache.ts, one per hub): with its expires_at, so a
 * cached entry is never served past it (AuthCache's `fresh`: sessionIsFresh), and the last time this
 * process slid it forward (touchSession).
 */
export type SessionAuth = { session: Session; expiresAt: number; touchedAt: number };

/** Whether a cached session may still be served: not past the expires_at it was read with. */
export const sessionIsFresh = (auth: SessionAuth) => Date.now() < auth.expiresAt;

/** The live session with this token hash: not signed out, not expired, its admin not deactivated. */
export async function sessionAuthFromHash(sql: Sql, tokenHash: string): Promise<SessionAuth | null> {
  const [row] = await sql`
    select s.token_hash, s.csrf_token, s.last_seen_at, s.expires_at, a.id, a.email, a.role, a.location_id, a.chosen_location_id,
           a.password_must_change, t.id as tenant_id, t.slug, t.name, t.default_country, t.currency, t.time_zone
    from admin_sessions s join admins a on a.id = s.admin_id join tenants t on t.id = s.tenant_id
    where s.token_hash = ${tokenHash} and s.expires_at > now() and a.deactivated_at is null`;
  if (!row) return null;
  const session: Session = Object.freeze({
    id: row.token_hash, adminId: row.id, email: row.email, role: row.role, tenantId: row.tenant_id, tenantSlug: row.slug,
    tenantName: row.name, defaultCountry: row.default_country, currency: row.currency, timeZone: row.time_zone, csrf: row.csrf_token,
    boundLocationId: row.location_id, chosenLocationId: row.chosen_location_id, passwordMustChange: row.password_must_change,
  });
  return { session, expiresAt: new Date(row.expires_at).getTime(), touchedAt: new Date(row.last_seen_at).getTime() };
}

/**
 * Slide last_seen_at and expires_at forward, off the request's path, at most once a minute per session
 * per process: `touchedAt` starts at the row's last_seen_at (so a session another instance touched a
 * moment ago is not touched again) and is moved here, so requests served from the cache touch too.
 * The cached expiresAt is not moved: once it passes, the next request reads the slid row again.
 */
export function touchSession(sql: Sql, auth: SessionAuth) {
  const now = Date.now();
  if (now - auth.touchedAt <= TOUCH_EVERY_MS) return;
  auth.touchedAt = now;
  // Only a live session slides: one an operator ended by setting expires_at stays ended.
  sql`update admin_sessions set last_seen_at = now(), expires_at = now() + make_interval(hours => ${SESSION_HOURS})
    where token_hash = ${auth.session.id} and expires_at > now()`.catch(() => {});
}

/**
 * The session this cookie token names, or null. With `cache` (the hub's), a session found is kept in
 * the process until a change to it NOTIFYs (sql/0029), its expires_at passes, or the cache's TTL; an
 * unknown token asks Postgres every time.
 */
export async function sessionFromToken(sql: Sql, t: string | undefined, cache?: AuthCache<SessionAuth>): Promise<Session | null> {
  if (!t || t.length > 100) return null;
  const id = hash(t);
  const auth = cache ? await cache.get(id, () => sessionAuthFromHash(sql, id)) : await sessionAuthFromHash(sql, id);
  if (!auth) return null;
  touchSession(sql, auth);
  return auth.session;
}

/**
 * End the session this cookie token names; returns its id (for closing its streams), null without a
 * token. Its cached copy goes at once here, and by NOTIFY everywhere else (credentialChanges.ts).
 */
export async function destroySession(sql: Sql, t: string | undefined): Promise<string | null> {
  if (!t) return null;
  const id = hash(t);
  await changingCredentials(() => sql`delete from admin_sessions where token_hash = ${id}`);
  return id;
}

/**
 * Of these session ids, the ones still live: not signed out, not expired, their admin not deactivated.
 * The same three conditions as sessionFromToken, so a stream lives exactly as long as its session would.
 */
export function liveSessionsQuery(sql: Sql, ids: string[]) {
  return sql`select s.token_hash as id from admin_sessions s join admins a on a.id = s.admin_id
    where s.token_hash = any(${ids}::text[]) and s.expires_at > now() and a.deactivated_at is null`;
}

/** The session as the API's Caller, so shared code (events, idempotency, actors) treats both alike. */
export function callerFromSession(s: Session): Caller {
  return {
    tenantId: s.tenantId, tenantSlug: s.tenantSlug, defaultCountry: s.defaultCountry,
    actor: `admin:${s.adminId}`, keyId: null, adminId: s.adminId, sessionId: s.id, role: s.role,
    // A limited admin always acts at their site; others at the one they picked.
    locationId: s.boundLocationId ?? s.chosenLocationId, boundLocationId: s.boundLocationId,
  };
}

export const newLoginToken = token;
