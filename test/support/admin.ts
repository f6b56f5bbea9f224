import type { Sql } from '../../src/platform/database.ts';
import { client, type Api } from './app.ts';

type Requester = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

/** An admin row exactly as `bun run cli admin create` writes it (Bun.password hash). */
export async function createAdmin(sql: Sql, tenantId: string, email: string, password: string, role: 'owner' | 'staff' = 'owner') {
  const hash = await Bun.password.hash(password);
  const [row] = await sql`insert into admins (tenant_id, email, password_hash, role)
    values (${tenantId}, ${email}, ${hash}, ${role}) returning id`;
  return row.id as string;
}

export const cookieOf = (res: Response, name: string) => {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    if (pair.slice(0, i) === name) return { value: pair.slice(i + 1), raw: c };
  }
  return null;
};

/** Sign in through the real form (login page → CSRF cookie → POST) and return a browser-like session. */
export async function signIn(app: Requester, slug: string, email: string, password: string) {
  const form = await app.request(`/${slug}/admin/login`);
  const loginCookie = cookieOf(form, 'ts_login')!.value;
  const html = await form.text();
  const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
  const res = await app.request(`/${slug}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `ts_login=${loginCookie}` },
    body: new URLSearchParams({ email, password, _csrf: loginCsrf }),
  });
  const session = cookieOf(res, 'ts_session');
  if (!session) throw new Error(`sign-in failed: ${res.status}`);
  const cookie = `ts_session=${session.value}`;
  let first = await app.request(`/${slug}/admin/customers`, { headers: { cookie } });
  // An admin with a one-time password is sent to the change-password page: its form carries the token.
  if (first.status === 303) first = await app.request(first.headers.get('location')!, { headers: { cookie } });
  const page = await first.text();
  const inherited = /hx-headers:inherited="([^"]+)"/.exec(page);
  const csrf = inherited
    ? JSON.parse(inherited[1].replace(/&quot;/g, '"'))['X-CSRF-Token'] as string
    : /name="_csrf" value="([^"]+)"/.exec(page)![1];
  return new AdminClient(app, slug, cookie, csrf);
}

export class AdminClient {
  constructor(readonly app: Requester, readonly slug: string, readonly cookie: string, readonly csrf: string) {}

  get(path: string, headers: Record<string, string> = {}) {
    return this.app.request(`/${this.slug}/admin${path}`, { headers: { cookie: this.cookie, ...headers } });
  }

  /** A form POST the way htmx sends it: urlencoded body, HX-Request and the CSRF header. */
  post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    return this.app.request(`/${this.slug}/admin${path}`, {
      method: 'POST',
      headers: {
        cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded', 'hx-request': 'true',
        'x-csrf-token': this.csrf, ...headers,
      },
      body: new URLSearchParams(fields),
    });
  }

  /**
   * The JSON API the way this admin's browser calls it: the session cookie instead of a key. The
   * X-CSRF-Token header goes on every call, because a cookie-authenticated write without it is refused.
   */
  api(): Api {
    const json = client(this.app, null);
    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      json.call(method, path, body, { cookie: this.cookie, 'x-csrf-token': this.csrf, ...headers });
    return {
      get: (path, headers) => call('GET', path, undefined, headers),
      post: (path, body, headers) => call('POST', path, body ?? {}, headers),
      patch: (path, body, headers) => call('PATCH', path, body ?? {}, headers),
      call,
    };
  }
}
