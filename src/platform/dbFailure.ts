/**
 * How a failed database call failed, as far as trying it again is concerned. One classification for
 * the whole service: the transaction helper, the read retries and the error path all ask this.
 *
 * - `not_sent`: no live server session ever saw the statement (refused, timed out connecting, the
 *   server is starting or shutting down, too many connections, the pool is ending). Nothing ran.
 * - `lost`: the session died or was cut while a statement was in flight (pg_terminate_backend, a
 *   failover, a reset socket). An open transaction that had not been sent COMMIT is rolled back by the
 *   server, so it is safe to run again; a lone statement, or a COMMIT in flight, has an unknown outcome.
 * - `timeout`: statement_timeout cancelled it (rolled back, but slow: running it again would double
 *   the wait, so it is answered with 503 rather than retried).
 * - null: not a connection-class failure (a refusal, a constraint, a bug): the error path decides.
 *
 * Codes are the server's SQLSTATE (class 08 connection exception, 57P01-57P05 operator intervention,
 * 53300 too many connections) and those the `postgres` client puts on its own errors
 * (node_modules/postgres/src/connection.js: CONNECT_TIMEOUT, CONNECTION_CLOSED, CONNECTION_DESTROYED;
 * index.js: CONNECTION_ENDED) or passes through from the socket (ECONNREFUSED, ECONNRESET, EPIPE …).
 */
import { log } from './log.ts';

export type DbFailure = 'not_sent' | 'lost' | 'timeout' | null;

const NOT_SENT = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRNOTAVAIL',
  'CONNECT_TIMEOUT', 'CONNECTION_ENDED',
  '57P03', // cannot_connect_now: starting up, shutting down, in recovery
  '53300', // too_many_connections
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
]);

const LOST = new Set([
  'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED',
  'ERR_SOCKET_CLOSED',
  '57P01', // admin_shutdown: pg_terminate_backend, a fast or smart shutdown
  '57P02', // crash_shutdown: another backend crashed and the server is resetting
  '57P04', // database_dropped
  '57P05', // idle_session_timeout
]);

export function dbFailure(err: unknown): DbFailure {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (NOT_SENT.has(code)) return 'not_sent';
  if (LOST.has(code) || code.startsWith('08')) return 'lost';
  if (code === '57014') return 'timeout';
  return null;
}

// Failures that were already tried twice: retrying them again (a door retrying a whole request) would
// stretch an outage's answer from two connect timeouts to four.
const retried = new WeakSet<object>();

/** Mark a failure as the second try's: no one retries it again. */
export function markRetried(err: unknown) {
  if (err && typeof err === 'object') retried.add(err);
}

/** A read (or a read-only transaction) is worth one more try on a fresh connection. */
export const readRetryable = (err: unknown) => {
  if (err && typeof err === 'object' && retried.has(err)) return false;
  const f = dbFailure(err);
  return f === 'not_sent' || f === 'lost';
};

/** A write is worth one more try only if the error shows its transaction can never have committed. */
export const writeRetryable = (err: unknown, commitSent: boolean) => {
  if (err && typeof err === 'object' && retried.has(err)) return false;
  const f = dbFailure(err);
  return f === 'not_sent' || (f === 'lost' && !commitSent);
};

/** How long a client is told to wait (Retry-After) when the database cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

let lastWarned = 0;
let unreported = 0;

/**
 * One warn line, no stack, for a request answered 503 database_unavailable: an outage fails every
 * request, and a stack trace each would bury the log. At most one line a second; the lines skipped
 * in between are counted in the next.
 */
export function warnDatabaseUnavailable(where: string, err: unknown) {
  const now = Date.now();
  if (now - lastWarned < 1000) { unreported++; return; }
  const more = unreported ? ` (and ${unreported} more since the last line)` : '';
  lastWarned = now;
  unreported = 0;
  const e = err as { code?: string; message?: string };
  log.warn(`${where}: database unavailable, answered 503: ${e?.code ?? ''} ${e?.message ?? ''}`.trim() + more);
}
