import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import type { Sql, Tx } from '../platform/database.ts';
import { cursorInTransaction } from '../platform/exportCursor.ts';
import { ApiError, notFound } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import { type Cell, csvLine, csvStream } from '../platform/csv.ts';
import { reportScope } from '../reports/scope.ts';
import { defaultDays } from '../reports/defaultDays.ts';

// CSV exports of customers and the points ledger, for both doors: `?format=csv` (or `Accept: text/csv`)
// on GET /api/v1/customers and /customers/{id}/transactions, GET /api/v1/ledger for a date range, and
// the admin links beside them. Each reads through a `postgres` cursor into a stream (platform/csv.ts),
// so a 5,000,000-row ledger costs one batch of memory. The cursor runs in a read-only transaction of
// its own bounded by EXPORT_STATEMENT_TIMEOUT_MS (platform/exportCursor.ts), not by the 10 s of an
// interactive call: at ~100,000 rows/s the whole ledger of a group takes about a minute. Tenant scope is in every WHERE; who may export
// is customers.export in the policy (owners and the group's keys: a file of every customer is the
// whole personal-data base in one download, which the counter and a single site's till have no need of).

/** Rows fetched per round trip: large enough to stream fast, small enough to keep memory flat. */
const BATCH = 1000;

/**
 * `body` is null for a HEAD: the checks ran, but no cursor was opened (nothing would ever read or close it).
 * `timeZone`: the zone the file's times are written in (with its offset: iso_local, sql/0026, in the export's own transaction), sent as the
 * X-Time-Zone header: the caller's site's zone, else the tenant's (settings `timezone`), as the reports'.
 */
export type CsvExport = { filename: string; body: ReadableStream<Uint8Array> | null; timeZone: string };

/**
 * What a door asks for: the file, or (a HEAD) only its headers; and how long the export's one
 * statement may run (EXPORT_STATEMENT_TIMEOUT_MS).
 */
export type Want = { body: boolean; statementTimeoutMs: number };

/** The Want of a request: a HEAD opens no cursor. */
export const wantOf = (method: string, config: { EXPORT_STATEMENT_TIMEOUT_MS: number }): Want =>
  ({ body: method !== 'HEAD', statementTimeoutMs: config.EXPORT_STATEMENT_TIMEOUT_MS });

const CUSTOMER_HEADER = ['id', 'phone', 'name', 'email', 'pointsBalance', 'totalPointsEarned', 'totalPointsRedeemed', 'createdAt', 'updatedAt'];
const LEDGER_HEADER = ['id', 'customerId', 'type', 'points', 'balanceBefore', 'balanceAfter', 'reason', 'orderId', 'locationId', 'actor', 'createdAt'];

type Row = Record<string, Cell>;
/** A row as its CSV line, cell by cell in the header's order. */
const lineOf = (header: readonly string[]) => (r: Row) => csvLine(header.map((h) => r[h]));
/** A ledger row as Postgres wrote it (ledger_csv_line, sql/0026_csv_lines.sql). */
type LedgerLine = { line: string };
const ledgerLine = (r: LedgerLine) => r.line;
const stamp = () => new Date().toISOString().slice(0, 10);

/** The customer list (optionally the search `q`, as on the list), newest first. */
export async function exportCustomers(sql: Sql, caller: Caller, query: { q?: string }, want: Want): Promise<CsvExport> {
  authorize(caller, 'customers.export');
  const needle = query.q?.trim().toLowerCase();
  const { tz } = await reportScope(sql, caller, undefined, undefined);
  const rows = (db: Tx) => db`select c.id, c.phone, c.name, c.email, c.points_balance as "pointsBalance",
      c.total_points_earned as "totalPointsEarned", c.total_points_redeemed as "totalPointsRedeemed",
      iso_local(c.created_at) as "createdAt", iso_local(c.updated_at) as "updatedAt"
    from customers c where c.tenant_id = ${caller.tenantId}
      ${needle ? db`and c.search_text like ${'%' + needle.replace(/[\\%_]/g, '\\$&') + '%'}` : db``}
    order by c.seq desc`.cursor(BATCH) as AsyncIterable<Row[]>;
  return { filename: `customers-${caller.tenantSlug}-${stamp()}.csv`, timeZone: tz, body: await body(sql, want, tz, CUSTOMER_HEADER, rows, lineOf(CUSTOMER_HEADER)) };
}

// The ledger exports are the big ones (a group's whole ledger is millions of rows): Postgres writes
// each line, so the server holds one string per row rather than an object of eleven cells.
const ledgerColumns = (db: Tx) => db`ledger_csv_line(l) as line`;

/** One customer's ledger, oldest first (a statement reads forwards). */
export async function exportCustomerLedger(sql: Sql, caller: Caller, customerId: string, want: Want): Promise<CsvExport> {
  authorize(caller, 'customers.export');
  if (!Id.safeParse(customerId).success) throw notFound('Customer');
  const [owner] = await sql`select 1 from customers where id = ${customerId} and tenant_id = ${caller.tenantId}`;
  if (!owner) throw notFound('Customer');
  const { tz } = await reportScope(sql, caller, undefined, undefined);
  const rows = (db: Tx) => db`select ${ledgerColumns(db)} from ledger l
    where l.tenant_id = ${caller.tenantId} and l.customer_id = ${customerId} order by l.seq`.cursor(BATCH) as AsyncIterable<LedgerLine[]>;
  return { filename: `ledger-${customerId}.csv`, timeZone: tz, body: await body(sql, want, tz, LEDGER_HEADER, rows, ledgerLine) };
}

/**
 * Every ledger row of the days `from` to `to` (inclusive), oldest first. Days are local to `tz`, else
 * the site's or the group's zone, as in the reports (reports/scope.ts); `locationId` narrows it to the
 * rows written at one site.
 */
export async function exportLedger(
  sql: Sql, caller: Caller, asked: { from?: string; to?: string; tz?: string; locationId?: string }, want: Want,
): Promise<CsvExport> {
  authorize(caller, 'customers.export');
  if (asked.from && asked.to && asked.from > asked.to) throw new ApiError(400, 'validation_failed', 'from: must be on or before to.', { errors: [{ path: 'from', message: 'must be on or before to' }] });
  const scope = await reportScope(sql, caller, asked.locationId, asked.tz);
  // The reports' defaults (reports/defaultDays.ts): to today, from DEFAULT_RANGE_DAYS days before it.
  const range = await defaultDays(sql, scope.tz, asked.from, asked.to);
  if (range.from > range.to) throw new ApiError(400, 'validation_failed', 'from: must be on or before to.', { errors: [{ path: 'from', message: 'must be on or before to' }] });
  const rows = (db: Tx) => db`select ${ledgerColumns(db)} from ledger l
    where l.tenant_id = ${caller.tenantId}
      and l.created_at >= (${range.from}::date)::timestamp at time zone ${scope.tz}
      and l.created_at < (${range.to}::date + 1)::timestamp at time zone ${scope.tz}
      ${scope.locationId ? db`and l.location_id = ${scope.locationId}` : db``}
    -- In the order of ledger_tenant_created (ties by seq, an incremental sort): the first batch streams at
    -- once. Ordering by seq alone sorted the whole range first, past the statement timeout at 5M rows.
    order by l.created_at, l.seq`.cursor(BATCH) as AsyncIterable<LedgerLine[]>;
  const site = scope.locationId ? `-${scope.locationId}` : '';
  return { filename: `ledger-${caller.tenantSlug}${site}-${range.from}-to-${range.to}.csv`, timeZone: scope.tz, body: await body(sql, want, scope.tz, LEDGER_HEADER, rows, ledgerLine) };
}

/** The file: its rows read in a transaction of their own (none for a HEAD). */
function body<R>(
  sql: Sql, want: Want, timeZone: string, header: readonly string[], rows: (tx: Tx) => AsyncIterable<R[]>, line: (row: R) => string,
) {
  return want.body ? csvStream(header, cursorInTransaction(sql, { statementTimeoutMs: want.statementTimeoutMs, timeZone }, rows), line) : null;
}

/** The download response both doors send. */
export function csvResponse({ filename, body, timeZone }: CsvExport): Response {
  return new Response(body, {
    headers: {
      'x-time-zone': timeZone,
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    },
  });
}
