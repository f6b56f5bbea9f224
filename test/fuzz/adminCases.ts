import { LONG, ODD_DATES } from './schemaValues.ts';
import { type Expect, percentEncode } from './operationCases.ts';

/**
 * Cases for the admin form routes (POST /{tenant}/admin/…). The routes come from the app's own router
 * and the fields from the forms its pages render, so a new form is fuzzed with no change here.
 */

export type AdminCase = { name: string; method: 'POST'; url: string; headers: Record<string, string>; body?: string; expect: Expect | 413 };
/** A POST route of the admin app with its parameters filled in (`:action{add|redeem}` gives one per action). */
export type AdminRoute = { template: string; url: string };
/** What a page's forms send to one URL: field names and the values the page filled in (hidden inputs, hx-vals). */
export type FormShape = Record<string, string>;

const BASE = '/:tenant/admin';

/** Every POST route under /{tenant}/admin, parameters filled from `resources` (by the segment before them). */
export function adminPostRoutes(routes: { method: string; path: string }[], slug: string, resources: Record<string, string>): AdminRoute[] {
  const templates = [...new Set(routes.filter((r) => r.method === 'POST' && r.path.startsWith(`${BASE}/`)).map((r) => r.path))];
  return templates.flatMap((template) => fill(template, slug, resources).map((url) => ({ template, url })));
}

/** Every GET page under /{tenant}/admin that can be rendered from `resources` (to read its forms from). */
export function adminPages(routes: { method: string; path: string }[], slug: string, resources: Record<string, string>): string[] {
  const templates = [...new Set(routes.filter((r) => r.method === 'GET' && r.path.startsWith(`${BASE}/`) && !r.path.includes('*')).map((r) => r.path))];
  return templates.filter((t) => !t.endsWith('/stream')).flatMap((t) => fill(t, slug, resources));
}

function fill(template: string, slug: string, resources: Record<string, string>): string[] {
  let urls = [template.replace(':tenant', slug)];
  const params = [...template.matchAll(/:(\w+)(\{([^}]*)\})?/g)].filter((m) => m[1] !== 'tenant');
  for (const [whole, name, , pattern] of params) {
    const parts = template.split('/');
    const before = parts[parts.findIndex((p) => p.startsWith(`:${name}`)) - 1];
    const alternatives = pattern && /^[\w|-]+$/.test(pattern) ? pattern.split('|') : [resources[before] ?? resources[name] ?? 'x'];
    urls = urls.flatMap((u) => alternatives.map((a) => u.replace(whole, encodeURIComponent(a))));
  }
  return urls;
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Every field name a page's inputs use (search and lookup forms too): the guess for a form no page renders. */
export function fieldNamesIn(html: string): string[] {
  return [...html.matchAll(/<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"/g)].map((m) => m[1]).filter((n) => n !== '_csrf');
}

/** The forms (and hx-vals buttons) in a page: action URL → fields with the values the page put in them. */
export function formsIn(html: string): Map<string, FormShape> {
  const out = new Map<string, FormShape>();
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const action = /hx-post="([^"]+)"/.exec(m[1])?.[1];
    if (!action) continue;
    const fields: FormShape = {};
    for (const f of m[2].matchAll(/<(input|select|textarea|button)\b([^>]*)>/g)) {
      const name = /\bname="([^"]+)"/.exec(f[2])?.[1];
      if (name && name !== '_csrf') fields[name] = f[1] === 'input' && /type="hidden"/.test(f[2]) ? unescape(/\bvalue="([^"]*)"/.exec(f[2])?.[1] ?? '') : '';
    }
    out.set(unescape(action), { ...out.get(unescape(action)), ...fields });
  }
  for (const m of html.matchAll(/<button\b([^>]*)>/g)) {
    const action = /hx-post="([^"]+)"/.exec(m[1])?.[1];
    if (!action || out.has(unescape(action))) continue;
    const vals = /hx-vals="([^"]+)"/.exec(m[1])?.[1];
    const fields: FormShape = {};
    for (const k of Object.keys(vals ? JSON.parse(unescape(vals)) : {})) fields[k] = '';
    out.set(unescape(action), fields);
  }
  return out;
}

/** Values no form field may take: refused whatever the field (blank, NUL, 10k characters). */
const ALWAYS_BAD = ['', ' ', '\u0000', 'a\u0000b', 'x'.repeat(LONG)];
/** Values that may fit some field and not another: answered without a 5xx, and a refusal changes nothing. */
const ODD = ['abc', '-1', '0', '1e308', '-99999999999999999999', '12.345', '£1,000,000,000.00', "' or 1=1 --",
  '<script>alert(1)</script>', ...ODD_DATES.slice(0, 3)];

const formBody = (fields: Record<string, string>) => Object.entries(fields).map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');

/**
 * Cases for one admin route: each field hostile (others as the page left them), then the body's
 * encoding, size and CSRF token, then the path's ids. `fields` is `{}` for a button that sends nothing;
 * `guessed` when no page rendered this form (its fields are then the union of every form's).
 */
export function adminCases(
  route: AdminRoute, fields: FormShape, session: { cookie: string; csrf: string }, foreign: Record<string, string>, guessed = false,
): AdminCase[] {
  const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf, 'hx-request': 'true', 'content-type': 'application/x-www-form-urlencoded' };
  const name = (what: string) => `POST ${route.template} ${route.url.split('/').at(-1)} ${what}`;
  const make = (what: string, expect: AdminCase['expect'], parts: Partial<AdminCase> = {}): AdminCase =>
    ({ name: name(what), method: 'POST', url: route.url, headers, body: formBody(fields), expect, ...parts });
  const label = (v: string) => JSON.stringify(v.length > 30 ? `${v.slice(0, 10)}…(${v.length})` : v);
  const cases: AdminCase[] = [];
  const names = Object.keys(fields);

  for (const f of names) {
    for (const v of ALWAYS_BAD) cases.push(make(`field ${f}=${label(v)}`, 'refuse', { body: formBody({ ...fields, [f]: v }) }));
    if (guessed) continue; // fields no page showed for this route: the values every field must refuse are enough
    for (const v of ODD) cases.push(make(`field ${f}=${label(v)}`, 'either', { body: formBody({ ...fields, [f]: v }) }));
    cases.push(make(`field ${f} raw %zz`, 'either', { body: `${formBody(fields)}&${f}=%zz` }));
    cases.push(make(`field ${f} raw invalid UTF-8`, 'either', { body: `${formBody({ ...fields, [f]: 'x' })}`.replace(`${f}=x`, `${f}=%ED%A0%80%C0%AF`) }));
    cases.push(make(`field ${f} twice`, 'either', { body: `${formBody(fields)}&${percentEncode(f)}=abc` }));
    cases.push(make(`field ${f}[]`, 'either', { body: `${formBody(fields)}&${percentEncode(f)}[]=1` }));
  }
  if (names.length) {
    const { 'content-type': _, ...noType } = headers;
    cases.push(
      make('content-type text/plain', 'refuse', { headers: { ...headers, 'content-type': 'text/plain' } }),
      make('content-type none', 'refuse', { headers: noType }),
      make('content-type json', 'refuse', { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(fields) }),
      make('content-type multipart, malformed', 'refuse', { headers: { ...headers, 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nnonsense' }),
      make('unknown fields', 'either', { body: `${formBody(fields)}&tenantId=x&balance=99999&__proto__[admin]=1` }),
      // Item 8 of issue 10: a body over the limit is refused before it is parsed.
      make('body of 1 MB', 413, { body: `${formBody(fields)}&padding=${'x'.repeat(1 << 20)}` }),
    );
  }
  cases.push(
    make('without the CSRF token', 'refuse', { headers: { ...headers, 'x-csrf-token': '' } }),
    make('with a wrong CSRF token', 'refuse', { headers: { ...headers, 'x-csrf-token': `${session.csrf.slice(0, -2)}xx` } }),
  );

  // The route's ids: hostile, missing, another tenant's.
  const segments = route.url.split('/');
  const templateSegments = route.template.split('/');
  templateSegments.forEach((seg, i) => {
    if (!seg.startsWith(':') || seg === ':tenant' || seg.includes('{')) return;
    const at = (v: string) => [...segments.slice(0, i), v, ...segments.slice(i + 1)].join('/');
    const bad = ['not-an-id', '00000000-0000-0000-0000-000000000000', '%00', '%ED%A0%80', '%zz', 'x'.repeat(LONG)];
    for (const v of bad) cases.push(make(`path ${seg.slice(1)}=${label(v)}`, 'refuse', { url: at(v) }));
    const theirs = foreign[templateSegments[i - 1]];
    if (theirs) cases.push(make(`path ${seg.slice(1)}=<tenant B's>`, 'refuse', { url: at(encodeURIComponent(theirs)) }));
  });
  return cases;
}
