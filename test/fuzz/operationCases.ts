import {
  type Schema, LONG, allowed, allowedText, badJsonValues, badTexts, shortLabel, validObject, validValue,
} from './schemaValues.ts';

/**
 * Every case the fuzzer sends for one operation of /openapi.json: one hostile value at a time (a
 * parameter, a body field, the body as a whole, its content type, the caller), everything else valid.
 * The operation's valid request itself is never sent.
 */

export type Expect = 'refuse' | 'either';
export type FuzzCase = {
  /** `<METHOD> <path template> <what was changed>`: the name KNOWN_FAILURES lists. */
  name: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** refuse: the request is not one the contract allows, so it must get a 4xx. either: any answer but a 5xx. */
  expect: Expect;
};

export type Parameter = { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema?: Schema };
export type Operation = {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: Schema;
  secured: boolean;
};

type Doc = { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, Schema> } };

/** The operations of an OpenAPI document with every $ref resolved (so a new route needs no listing here). */
export function operations(doc: Doc): Operation[] {
  const deref = (s: any, seen = 0): any => {
    if (seen > 20 || s === null || typeof s !== 'object') return s;
    if (Array.isArray(s)) return s.map((x) => deref(x, seen + 1));
    if (typeof s.$ref === 'string') return deref(doc.components?.schemas?.[s.$ref.split('/').pop()!] ?? {}, seen + 1);
    return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, deref(v, seen + 1)]));
  };
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      out.push({
        method: method.toUpperCase(), path,
        parameters: deref(op.parameters ?? []),
        body: deref(op.requestBody?.content?.['application/json']?.schema),
        secured: (op.security ?? []).length > 0,
      });
    }
  }
  return out;
}

/** Real things to address, by the collection segment before a path parameter (`customers` → a customer id). */
export type Resources = {
  /** Tenant A's resource for a path parameter, by the segment before it; absent: the schema's example. */
  own: Record<string, string>;
  /** Tenant B's resource of the same kind: addressing it with A's key must be 404 (I7). */
  foreign: Record<string, string>;
  keyA: string;
};

const collectionOf = (path: string, param: string) => {
  const parts = path.split('/');
  const i = parts.indexOf(`{${param}}`);
  return i > 0 ? parts[i - 1] : param;
};

/** Percent-encode text, lone surrogates included (as the bytes a WTF-8 client would send). */
export function percentEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2)); i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`.toUpperCase();
    } else out += encodeURIComponent(s[i]);
  }
  return out;
}

/** How a parameter's text must be judged: numbers are parsed from text, so ` 1` or `0x10` may go either way. */
export function paramExpect(s: Schema, text: string, raw: boolean, stored = true): Expect {
  let value = text;
  if (raw) {
    try { value = decodeURIComponent(text); } catch { return 'either'; }
  }
  const t = Array.isArray(s.type) ? s.type[0] : s.type;
  if (t === 'integer' || t === 'number') {
    if (value.trim() === '') return 'either';
    const n = Number(value);
    // A number the schema refuses must be refused; one it allows may still be spelled oddly (` 1`, `0x10`).
    return Number.isFinite(n) && allowed(s, n) ? 'either' : 'refuse';
  }
  if (s.enum) return s.enum.includes(value) ? 'either' : 'refuse';
  return allowedText(s, value, stored) ? 'either' : 'refuse';
}

export function casesFor(op: Operation, res: Resources): FuzzCase[] {
  const template = `${op.method} ${op.path}`;
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const headerParams = op.parameters.filter((p) => p.in === 'header');

  const validPath: Record<string, string> = {};
  for (const p of pathParams) validPath[p.name] = res.own[collectionOf(op.path, p.name)] ?? String(validValue(p.schema ?? {}, p.name));
  const validQuery: Record<string, string> = {};
  for (const p of queryParams) if (p.required) validQuery[p.name] = String(validValue(p.schema ?? {}, p.name));
  const baseBody = op.body ? validObject(op.body) : undefined;
  const auth = { authorization: `Bearer ${res.keyA}` };

  const url = (path: Record<string, string> = {}, query: string | null = null) => {
    let u = op.path;
    for (const p of pathParams) u = u.replace(`{${p.name}}`, path[p.name] ?? percentEncode(validPath[p.name]));
    const q = query ?? Object.entries(validQuery).map(([k, v]) => `${k}=${percentEncode(v)}`).join('&');
    return q ? `${u}?${q}` : u;
  };
  const jsonHeaders: Record<string, string> = op.body ? { 'content-type': 'application/json' } : {};
  const baseJson = baseBody === undefined ? undefined : JSON.stringify(baseBody);
  const make = (what: string, expect: Expect, parts: Partial<FuzzCase>): FuzzCase => ({
    name: `${template} ${what}`, method: op.method, url: url(), headers: { ...auth, ...jsonHeaders }, body: baseJson, expect, ...parts,
  });
  const cases: FuzzCase[] = [];

  // Path parameters: hostile text, the other tenant's real resource, and ids that are not there.
  for (const p of pathParams) {
    const s = p.schema ?? {};
    const texts = badTexts(s, `${template}:${p.name}`);
    for (const text of texts) {
      const raw = text.startsWith('%');
      if (text === '' || text === ' ') continue; // an empty segment is another route, not this one
      cases.push(make(`path ${p.name}=${shortLabel(JSON.stringify(text))}`, 'refuse',
        { url: url({ [p.name]: raw ? text : percentEncode(text) }) }));
    }
    const foreign = res.foreign[collectionOf(op.path, p.name)];
    if (foreign) cases.push(make(`path ${p.name}=<tenant B's>`, 'refuse', { url: url({ [p.name]: percentEncode(foreign) }) }));
  }

  // Query parameters: each one hostile; required ones missing; repeated; given as arrays.
  for (const p of queryParams) {
    const s = p.schema ?? {};
    const others = Object.entries(validQuery).filter(([k]) => k !== p.name).map(([k, v]) => `${k}=${percentEncode(v)}`);
    for (const text of badTexts(s, `${template}:${p.name}`)) {
      const raw = text.startsWith('%');
      const q = [...others, `${p.name}=${raw ? text : percentEncode(text)}`].join('&');
      cases.push(make(`query ${p.name}=${shortLabel(JSON.stringify(text))}`, paramExpect(s, text, raw, op.method !== 'GET'), { url: url({}, q) }));
    }
    if (p.required) cases.push(make(`query without ${p.name}`, 'refuse', { url: url({}, others.join('&')) }));
    const v = percentEncode(String(validValue(s, p.name)));
    cases.push(make(`query ${p.name} twice`, 'either', { url: url({}, [...others, `${p.name}=${v}`, `${p.name}=${v}`].join('&')) }));
    cases.push(make(`query ${p.name}[]`, 'either', { url: url({}, [...others, `${p.name}[]=${v}`].join('&')) }));
  }

  // Header parameters: hostile text (values a Headers object cannot carry are not sendable, so skipped).
  for (const p of headerParams) {
    const s = p.schema ?? {};
    for (const text of badTexts(s, `${template}:${p.name}`)) {
      if (!sendableHeader(text)) continue;
      const expect: Expect = text.trim() === '' ? 'either' : paramExpect(s, text, false);
      cases.push(make(`header ${p.name}=${shortLabel(JSON.stringify(text))}`, expect, { headers: { ...auth, ...jsonHeaders, [p.name]: text } }));
    }
  }

  // The caller: no key, a malformed one, an unknown one, another scheme.
  if (op.secured) {
    const bad = ['', 'Bearer', 'Bearer ', 'Bearer tsk_unknown', `Bearer ${'k'.repeat(LONG)}`, 'Basic Zm9vOmJhcg==',
      `bearer  ${res.keyA}x`, `Bearer ${res.keyA.slice(0, -1)}`];
    for (const a of bad) {
      cases.push(make(`authorization=${shortLabel(JSON.stringify(a))}`, 'refuse', { headers: { ...jsonHeaders, authorization: a } }));
    }
  }

  if (op.body && baseBody) cases.push(...bodyCases(op.body, baseBody, make));
  return cases;
}

type Make = (what: string, expect: Expect, parts: Partial<FuzzCase>) => FuzzCase;

/** Each body field hostile (nested ones too), then the body as a whole: its shape, its keys, its encoding. */
function bodyCases(schema: Schema, base: Record<string, unknown>, make: Make): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const MARK = '\u0001fuzz\u0001';
  const MARK_JSON = JSON.stringify(MARK);

  for (const { path, field, parent } of fieldPaths(schema)) {
    for (const bad of badJsonValues(field, `body:${path.join('.')}`)) {
      const body = setAt(structuredClone(base), path, MARK, schema);
      const json = JSON.stringify(body).replace(MARK_JSON, bad.json);
      let value: unknown;
      try { value = JSON.parse(json); } catch { value = undefined; }
      cases.push(make(`body ${path.join('.')}=${bad.label}`, value !== undefined && allowed(schema, value) ? 'either' : 'refuse', { body: json }));
    }
    // Required fields missing, one at a time.
    if (parent.required?.includes(String(path.at(-1)))) {
      const body = structuredClone(base);
      const holder = path.slice(0, -1).reduce((o: any, k) => o?.[k], body);
      if (holder && typeof holder === 'object') {
        delete holder[path.at(-1)!];
        cases.push(make(`body without ${path.join('.')}`, 'refuse', { body: JSON.stringify(body) }));
      }
    }
  }

  const first = Object.keys(base)[0];
  const json = JSON.stringify(base);
  const whole: [string, Expect, Partial<FuzzCase>][] = [
    ['body null', 'refuse', { body: 'null' }],
    ['body []', 'refuse', { body: '[]' }],
    ['body "x"', 'refuse', { body: '"x"' }],
    ['body 1', 'refuse', { body: '1' }],
    ['body empty', 'refuse', { body: '' }],
    ['body absent', 'refuse', { body: undefined }],
    ['body {', 'refuse', { body: '{' }],
    ['body truncated', 'refuse', { body: json.slice(0, -1) }],
    ['body trailing comma', 'refuse', { body: `${json.slice(0, -1)},}` }],
    ['body NaN', 'refuse', { body: json.replace(/:(\d+)/, ':NaN') === json ? '{"x":NaN}' : json.replace(/:(\d+)/, ':NaN') }],
    ['body single quotes', 'refuse', { body: json.includes('"') ? json.replace(/"/g, "'") : "{'x':1}" }],
    ['body nested 5000 deep', 'refuse', { body: `${'['.repeat(5000)}${']'.repeat(5000)}` }],
    ['body 70k', 'refuse', { body: JSON.stringify({ ...base, padding: 'x'.repeat(70_000) }) }],
    ['body unknown key', 'refuse', { body: JSON.stringify({ ...base, tenantId: '00000000-0000-0000-0000-000000000000' }) }],
    ['body __proto__', Object.keys(base).length ? 'refuse' : 'either', { body: `${json.slice(0, -1)}${first ? ',' : ''}"__proto__":{"isAdmin":true}}` }],
    ['body constructor key', 'refuse', { body: JSON.stringify({ ...base, constructor: { prototype: { x: 1 } } }) }],
    ['content-type form', 'refuse', { headers: { ...make('', 'refuse', {}).headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(Object.entries(base).map(([k, v]) => [k, String(v)])).toString() }],
    ['content-type multipart', 'refuse', { headers: { ...make('', 'refuse', {}).headers, 'content-type': 'multipart/form-data; boundary=x' },
      body: `--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n` }],
    ['content-type text/plain', 'refuse', { headers: { ...make('', 'refuse', {}).headers, 'content-type': 'text/plain' } }],
    ['content-type none', 'refuse', { headers: withoutContentType(make('', 'refuse', {}).headers) }],
    ['content-type application/jsonx', 'refuse', { headers: { ...make('', 'refuse', {}).headers, 'content-type': 'application/jsonx' } }],
    ['content-type json with utf-16 charset', 'either', { headers: { ...make('', 'refuse', {}).headers, 'content-type': 'application/json; charset=utf-16' } }],
    ['content-type json, body a BOM then JSON', 'either', { body: `\ufeff${json}` }],
  ];
  if (first !== undefined) {
    // JSON.parse keeps the last of duplicated keys: a bad last one must be refused, a bad first one may be ignored.
    const dup = `${JSON.stringify(first)}:{"dup":true}`;
    whole.push(['body duplicated key (last one bad)', 'refuse', { body: `${json.slice(0, -1)},${dup}}` }]);
    whole.push(['body duplicated key (first one bad)', 'either', { body: `{${dup},${json.slice(1)}` }]);
  }
  for (const [what, expect, parts] of whole) cases.push(make(what, expect, parts));
  return cases;
}

function withoutContentType(h: Record<string, string>) {
  const { 'content-type': _, ...rest } = h;
  return rest;
}

type FieldPath = { path: (string | number)[]; field: Schema; parent: Schema };

/** Every field of a body schema, nested objects and the first element of arrays included. */
export function fieldPaths(schema: Schema, prefix: (string | number)[] = [], depth = 0): FieldPath[] {
  const out: FieldPath[] = [];
  if (depth > 4) return out;
  for (const [k, f] of Object.entries(schema.properties ?? {})) {
    const path = [...prefix, k];
    out.push({ path, field: f, parent: schema });
    if (f.properties) out.push(...fieldPaths(f, path, depth + 1));
    if (f.items?.properties) out.push(...fieldPaths(f.items, [...path, 0], depth + 1));
  }
  return out;
}

/** Put a value at a path, creating the valid parents a mutation of an optional nested field needs. */
function setAt(body: any, path: (string | number)[], value: unknown, schema: Schema) {
  let o = body;
  let s: Schema | undefined = schema;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i];
    s = typeof k === 'number' ? s?.items : s?.properties?.[k];
    if (o[k] === undefined) o[k] = validValue(s ?? {}, String(k));
    o = o[k];
  }
  o[path.at(-1)!] = value;
  return body;
}

/** A header value fetch can send: Latin-1, no CR, LF or NUL. */
export function sendableHeader(v: string) {
  try { new Headers({ x: v }); return !/[\r\n\0]/.test(v); } catch { return false; }
}
