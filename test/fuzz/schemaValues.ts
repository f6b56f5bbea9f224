import fc from 'fast-check';

/** The part of JSON Schema (as /openapi.json writes it) that the fuzzer reads. */
export type Schema = {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number;
  minLength?: number; maxLength?: number;
  minItems?: number; maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  example?: unknown;
  default?: unknown;
  $ref?: string;
  anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[];
  nullable?: boolean;
};

/** One hostile value: raw JSON text (so 1e400, -0 and big integers survive) and a short label for reports. */
export type BadValue = { label: string; json: string };

/** The fixed seed: the same cases on every run, so a failure names a request that can be replayed. */
export const SEED = 20261130;

export const LONG = 10_001;
const long = (n = LONG) => 'x'.repeat(n);

/** Dates a calendar, a column or a parser may choke on: year 0, the last instant, impossible days, offsets. */
export const ODD_DATES = ['0000-01-01', '9999-12-31', '2024-02-30', '2023-02-29', '2024-13-01', '-001-01-01', '+275760-09-13'];
export const ODD_DATE_TIMES = [
  '0000-01-01T00:00:00Z', '9999-12-31T23:59:59-23:59', '2024-02-30T00:00:00Z', '2024-13-01T00:00:00Z',
  '2024-01-01T24:00:01Z', '2024-01-01T00:00:00+99:00', '294277-01-01T00:00:00Z', '2024-01-01', 'yesterday',
];
/** Odd IANA zones: a removed alias, a path, a fixed offset, the empty zone. */
export const ODD_ZONES = ['US/Pacific-New', 'Etc/GMT+99', '../../etc/passwd', 'UTC+25', 'Mars/Olympus', '+14:00', 'posix/Europe/London'];

/** Strings every text field must survive: NUL, lone surrogates, injection-looking text, long ones. */
export const ODD_STRINGS = ['', ' ', 'a\u0000b', '\ud800', 'a\udc00b', "' or 1=1 --", '%00', '\u202egnp.exe', 'Ω'.repeat(3000), long()];

const HUGE_NUMBERS = ['1e308', '-1e308', '1e400', '9007199254740993', '2147483648', '-2147483649', '1.5', '-0', '1e-400',
  '123456789012345678901234567890'];
const NUMBERISH_STRINGS = ['"1"', '"NaN"', '"Infinity"', '""'];

/** A real calendar date (2024-02-30 matches \d{4}-\d{2}-\d{2} but is not a day). */
export function realDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(2000, mo - 1, d));
  date.setUTCFullYear(y);
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function types(s: Schema): string[] {
  const t = s.type ?? (s.properties ? 'object' : s.items ? 'array' : undefined);
  return t === undefined ? [] : Array.isArray(t) ? t : [t];
}

/**
 * Whether a value is one the schema allows: when it is not, the service must refuse it. Deliberately
 * strict where the service has to be (text that is not well-formed Unicode, a NUL, an impossible date
 * are never data) and lenient elsewhere (an email the regex likes may still be refused: such cases
 * only have to be answered without a 5xx).
 */
export function allowed(s: Schema, v: unknown): boolean {
  if (s.anyOf || s.oneOf) return (s.anyOf ?? s.oneOf)!.some((x) => allowed(x, v));
  if (s.allOf) return s.allOf.every((x) => allowed(x, v));
  if (v === null) return types(s).includes('null') || s.nullable === true;
  if (s.enum) return s.enum.includes(v);
  const ts = types(s);
  if (ts.length === 0) return true;
  return ts.some((t) => allowedAs(t, s, v));
}

function allowedAs(t: string, s: Schema, v: unknown): boolean {
  switch (t) {
    case 'integer': case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return false;
      if (t === 'integer' && !Number.isSafeInteger(v)) return false;
      if (s.minimum !== undefined && v < s.minimum) return false;
      if (s.maximum !== undefined && v > s.maximum) return false;
      if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) return false;
      if (s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum) return false;
      return true;
    }
    case 'string': return typeof v === 'string' && allowedText(s, v);
    case 'boolean': return typeof v === 'boolean';
    case 'array': {
      if (!Array.isArray(v)) return false;
      if (s.minItems !== undefined && v.length < s.minItems) return false;
      if (s.maxItems !== undefined && v.length > s.maxItems) return false;
      return !s.items || v.every((x) => allowed(s.items!, x));
    }
    case 'object': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
      const o = v as Record<string, unknown>;
      for (const r of s.required ?? []) if (!(r in o)) return false;
      for (const [k, x] of Object.entries(o)) {
        const p = s.properties?.[k];
        if (p) { if (!allowed(p, x)) return false; } else if (s.additionalProperties === false) return false;
      }
      return true;
    }
    default: return true;
  }
}

const isDatePattern = (p: string) => p.includes('d{4}-') && p.includes('d{2}');

/**
 * A text value the schema allows. `stored` text must be well-formed Unicode without NUL (what is kept
 * must be what was sent); a read's query text need not be, as long as it is answered without a 5xx.
 */
export function allowedText(s: Schema, v: string, stored = true): boolean {
  if (stored && (v.includes('\u0000') || !v.isWellFormed())) return false;
  const length = [...v].length;
  if (s.minLength !== undefined && length < s.minLength && v.length < s.minLength) return false;
  if (s.maxLength !== undefined && length > s.maxLength && v.length > s.maxLength) return false;
  if (v.length >= LONG) return false; // no field of this API is meant to hold 10k characters
  if (s.pattern && !new RegExp(s.pattern, 'u').test(v)) return false;
  if (s.pattern && isDatePattern(s.pattern) && !realDate(v)) return false;
  if (s.format === 'date-time' && !(DATE_TIME.test(v) && realDate(v))) return false;
  if (s.format === 'date' && !(/^\d{4}-\d{2}-\d{2}$/.test(v) && realDate(v))) return false;
  if (s.format === 'uuid' && !UUID.test(v)) return false;
  if (s.format === 'email' && !EMAIL.test(v)) return false;
  return true;
}

/** A value the schema accepts, for the fields a case leaves alone (examples first: a phone must parse). */
export function validValue(s: Schema, name = ''): unknown {
  if (s.example !== undefined && allowed(s, s.example)) return s.example;
  if (s.enum) return s.enum[0];
  if (s.anyOf || s.oneOf) return validValue((s.anyOf ?? s.oneOf)![0], name);
  const t = types(s)[0];
  switch (t) {
    case 'integer': case 'number': {
      const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : undefined);
      const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : undefined);
      return Math.min(Math.max(1, lo ?? 1), hi ?? 1);
    }
    case 'boolean': return true;
    case 'array': return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => validValue(s.items ?? {}, name));
    case 'object': return validObject(s);
    default: {
      if (s.format === 'email') return 'fuzz@example.com';
      if (s.format === 'date-time') return '2099-01-01T00:00:00Z';
      if (s.format === 'uuid') return '4f1c2b1e-5d7a-4a8e-9c61-0b1c8f6f9a10';
      if (s.pattern && isDatePattern(s.pattern)) return '2024-06-01';
      if (s.pattern) {
        return fc.sample(fc.stringMatching(new RegExp(s.pattern)), { seed: SEED, numRuns: 1 })[0]!;
      }
      return `Fuzz ${name || 'value'}`.slice(0, s.maxLength ?? 100).padEnd(s.minLength ?? 1, 'x');
    }
  }
}

/** An object with its required properties only (optional ones are added by the case that mutates them). */
export function validObject(s: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of s.required ?? []) out[r] = validValue(s.properties?.[r] ?? {}, r);
  return out;
}

const j = (v: unknown) => JSON.stringify(v);
const short = (json: string) => (json.length > 40 ? `${json.slice(0, 24)}…(${json.length} chars)` : json);

/** Hostile JSON values for one field: wrong types, boundaries, huge numbers, odd text and dates, fuzzed noise. */
export function badJsonValues(s: Schema, seedKey: string): BadValue[] {
  const out: string[] = ['null', 'true', '[]', '{}'];
  const ts = types(s);
  if (s.enum) out.push(...s.enum.filter((e) => typeof e === 'string').map((e) => j((e as string).toUpperCase())), j(''), j('unknown'), j(` ${s.enum[0]}`));
  if (ts.includes('integer') || ts.includes('number')) {
    out.push(...HUGE_NUMBERS, ...NUMBERISH_STRINGS, '0', '-1');
    for (const b of [s.minimum, s.maximum, s.exclusiveMinimum, s.exclusiveMaximum]) {
      if (b !== undefined) out.push(String(b - 1), String(b + 1));
    }
  }
  if (ts.includes('string')) {
    out.push('0', '1e308', ...ODD_STRINGS.map(j));
    if (s.maxLength !== undefined) out.push(j(long(s.maxLength + 1)));
    if (s.minLength !== undefined && s.minLength > 1) out.push(j(long(s.minLength - 1)));
    out.push(...oddDates(s).map(j));
    if (s.format === 'email') out.push(j('a@'), j('@b.c'), j('a@b'), j('a b@c.d'), j(`${long(250)}@example.com`));
    if (s.format === 'uuid') out.push(j('not-a-uuid'), j('00000000-0000-0000-0000-000000000000'));
  }
  if (ts.includes('array')) {
    out.push('"x"', '1');
    if (s.maxItems !== undefined) out.push(j(Array.from({ length: s.maxItems + 1 }, () => validValue(s.items ?? {}))));
  }
  if (ts.includes('object')) out.push('"x"', '1', j({ unknownField: 1 }));
  // Noise from fast-check on a fixed seed: values no list above thought of.
  const noise = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.double(), fc.integer());
  out.push(...fc.sample(noise, { seed: hash(`${SEED}:${seedKey}`), numRuns: 3 }).map((v) => j(v) ?? 'null'));
  return [...new Set(out)].map((json) => ({ label: short(json), json }));
}

/** Odd dates for a field that holds a date or an instant, none for other fields. */
function oddDates(s: Schema): string[] {
  if (s.format === 'date-time') return ODD_DATE_TIMES;
  if (s.format === 'date' || (s.pattern && isDatePattern(s.pattern))) return ODD_DATES;
  return [];
}

/** Hostile text for a query, path or header parameter, judged the same way as JSON strings. */
export function badTexts(s: Schema, seedKey: string): string[] {
  const out = [...ODD_STRINGS, '%', '%zz', '%ED%A0%80', '%C0%AF', 'a&b=c', 'null'];
  const ts = types(s);
  if (ts.includes('integer') || ts.includes('number')) {
    out.push('abc', '1.5', '-1', '0', '1e308', '9007199254740993', 'NaN', '0x10', ' 1');
    for (const b of [s.minimum, s.maximum]) if (b !== undefined) out.push(String(b - 1), String(b + 1));
  }
  if (s.maxLength !== undefined) out.push(long(s.maxLength + 1));
  if (s.enum) out.push(...s.enum.map((e) => String(e).toUpperCase()), 'unknown');
  out.push(...oddDates(s));
  if (/time ?zone/i.test(String((s as { description?: string }).description ?? ''))) out.push(...ODD_ZONES);
  if (s.format === 'uuid') out.push('not-a-uuid', '00000000-0000-0000-0000-000000000000');
  const noise = fc.string({ unit: 'binary', maxLength: 30 });
  out.push(...fc.sample(noise, { seed: hash(`${SEED}:${seedKey}`), numRuns: 3 }));
  return [...new Set(out)];
}

/** A stable 31-bit hash, so each field's fast-check noise does not depend on the order fields are visited. */
export function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 1;
}

export { short as shortLabel };
