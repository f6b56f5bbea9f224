import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DATABASE_RETRY_AFTER_SECONDS, dbFailure } from './dbFailure.ts';

/**
 * Every `code` a problem+json response can carry: the API's contract (Problem.code is this enum in
 * /openapi.json, so generated clients can switch on it). SQL functions raise the domain ones by name
 * (raise_domain in sql/); test/platform/errors.test.ts checks that every code the SQL raises is here.
 */
export const PROBLEM_CODES = [
  // the request
  'validation_failed', 'unsupported_media_type', 'payload_too_large', 'not_found', 'http_error',
  'method_not_allowed', // a known path asked with a method it does not serve (405 with Allow)
  // who is calling
  'unauthorized', 'forbidden', 'csrf_failed',
  'password_change_required', // an admin session signed in with a one-time password (src/identity/ownPassword.ts)
  // where it happened: a caller bound to one site naming another; a site that takes no new writes
  'location_mismatch', 'location_archived', 'location_code_taken',
  // the team: an email already an admin of the tenant; the last active owner kept (admins.ts)
  'admin_exists', 'last_owner',
  // idempotency
  'idempotency_key_reused', 'idempotency_key_in_use',
  // optimistic concurrency: an edit without If-Match (428), or based on a version since replaced (412)
  'precondition_required', 'precondition_failed',
  // throttles and limits
  'too_many_streams', 'too_many_gift_card_misses',
  'too_many_requests', // a guest wallet link used too often (src/wallet/throttle.ts)
  'limit_exceeded', // a balance or total would pass its documented bound (README, "Bounds")
  // business rules (raised by the SQL functions)
  'customer_exists', 'insufficient_points', 'no_customer', 'redemption_exceeds_subtotal', 'gift_card_exceeds_total',
  'insufficient_funds', 'gift_card_void', 'gift_card_expired', 'invalid_transition', 'already_resolved', 'conflict',
  'already_merged', 'customer_erased', // customer merge and erase (sql/0012_merge_erase.sql)
  'reward_inactive', // a deactivated reward cannot be redeemed (sql/0015_rewards.sql)
  // our side
  'events_unavailable', 'internal_error',
  'database_unavailable',
  'service_unavailable', // no instance can take the request: the load balancer's own 503 (README, "Deployment")
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];
const KNOWN_CODES = new Set<string>(PROBLEM_CODES);

/** A refusal the client can act on: becomes one problem+json response with a stable `code`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  [field: string]: unknown;
};

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 412: 'Precondition Failed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 428: 'Precondition Required',
  429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export function problem(status: number, code: ProblemCode, detail: string, extra: Record<string, unknown> = {}): Problem {
  // Extras come first: a refusal's details can never overwrite the fields clients branch on.
  return { ...extra, type: `https://tillstream.dev/problems/${code}`, title: TITLES[status] ?? 'Error', status, detail, code };
}

// Postgres errors that a request's shape can still reach (a value the schema let through that the
// column refuses) are the client's fault, not ours: map them to 4xx rather than 500.
const PG_CLIENT_ERRORS: Record<string, [number, ProblemCode]> = {
  '22001': [400, 'validation_failed'], // string too long
  '22003': [400, 'validation_failed'], // numeric out of range
  '22P02': [400, 'validation_failed'], // invalid text representation
  '22021': [400, 'validation_failed'], // character not in repertoire (a NUL in text)
  '22P05': [400, 'validation_failed'], // untranslatable character (\u0000 in jsonb)
  '23514': [400, 'validation_failed'], // check constraint
  '23505': [409, 'conflict'],
};

// The schemas keep dates, zones and numbers inside what Postgres accepts (platform/dates.ts, the
// bounds in README); this is the net under them. Every SQLSTATE of class 22 (data exception) is a
// value Postgres refused, so it is always a 400, never a 500: sentences for the ones a date or time
// zone reaches, the generic one for the rest of the class.
const PG_DATA_EXCEPTION = '22';
const PG_DATA_DETAIL: Record<string, string> = {
  '22007': 'A date or time was not in a form we accept.', // invalid datetime format
  '22008': 'A date or time was out of range.', // datetime field overflow (year 0, year 300000)
  '22009': 'A time zone offset was out of range.', // invalid time zone displacement value
  '22023': 'A value was not recognised (a time zone name, for example).', // invalid parameter value
};

/**
 * The one error path: turn anything thrown into a Problem. SQL functions raise SQLSTATE
 * 'TS<status>' with MESSAGE = code, DETAIL = sentence, HINT = JSON extras (see sql/0001_core.sql).
 */
export function toProblem(err: unknown): Problem {
  if (err instanceof ApiError) return problem(err.status, err.code, err.detail, err.extra);
  if (err instanceof HTTPException) {
    const status = err.status;
    if (status === 413) return problem(413, 'payload_too_large', 'The request body is too large.');
    if (status === 415) return problem(415, 'unsupported_media_type', 'Send the body as application/json.');
    const code = status === 400 ? 'validation_failed' : status === 401 ? 'unauthorized' : 'http_error';
    return problem(status, code, err.message || TITLES[status] || 'Error');
  }
  // Postgres unreachable, a connection dropped, a statement timed out: ours, and passing. Whatever could
  // be retried safely already was (database.ts), so the client is told when to try again.
  if (dbFailure(err)) {
    return problem(503, 'database_unavailable', 'The database is unavailable right now; retry shortly.',
      { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS });
  }
  const pg = err as { code?: string; message?: string; detail?: string; hint?: string; name?: string };
  if (pg && typeof pg.code === 'string') {
    if (/^TS\d{3}$/.test(pg.code)) {
      let extra: Record<string, unknown> = {};
      try { extra = pg.hint ? JSON.parse(pg.hint) : {}; } catch { /* a hint that isn't JSON carries nothing */ }
      const code = pg.message && KNOWN_CODES.has(pg.message) ? (pg.message as ProblemCode) : 'http_error';
      return problem(Number(pg.code.slice(2)), code, pg.detail ?? pg.message ?? '', extra);
    }
    const mapped = PG_CLIENT_ERRORS[pg.code];
    if (mapped) return problem(mapped[0], mapped[1], 'A value was out of range or not allowed.');
    if (pg.code.startsWith(PG_DATA_EXCEPTION)) {
      return problem(400, 'validation_failed', PG_DATA_DETAIL[pg.code] ?? 'A value was out of range or not allowed.');
    }
  }
  return problem(500, 'internal_error', 'Something went wrong on our side; it has been logged.');
}

export const notFound = (what = 'Resource') => new ApiError(404, 'not_found', `${what} not found.`);
