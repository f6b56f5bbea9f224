import type { Context } from 'hono';
import { readForm } from '../platform/readForm.ts';
import { sameSecret } from './sessions.ts';

// Two layers, because each covers the other's blind spot:
// 1. A browser that says the request is cross-site (Sec-Fetch-Site, or an Origin naming another
//    host) is refused outright, whatever it carries.
// 2. The session's synchronizer token must come back with the request: htmx sends it as the
//    X-CSRF-Token header (set once on <body> via hx-headers), plain forms as a hidden _csrf field.
//    A SameSite=Lax cookie alone is not enough: Lax still sends it on top-level cross-site POSTs in
//    some browsers for the first two minutes after it is set.

export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
export const isSafeMethod = (method: string) => SAFE.has(method.toUpperCase());

/** True when the browser tells us the request comes from another site. */
export function crossSite(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site === 'cross-site') return true;
  const origin = c.req.header('origin');
  if (origin && origin !== 'null') {
    try {
      return new URL(origin).host !== (c.req.header('host') ?? new URL(c.req.url).host);
    } catch {
      return true;
    }
  }
  return origin === 'null';
}

/** The token a request presents: header first, then a urlencoded or multipart form field. */
export async function presentedToken(c: Context): Promise<string | null> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
    const body = await readForm(c);
    const v = body[CSRF_FIELD];
    return typeof v === 'string' ? v : null;
  }
  return null;
}

/** Whether a state-changing request proves it came from our own page. */
export async function csrfOk(c: Context, expected: string): Promise<boolean> {
  if (crossSite(c)) return false;
  return sameSecret(await presentedToken(c), expected);
}

