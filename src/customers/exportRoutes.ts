import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Deps } from '../platform/deps.ts';
import { newRouter, problems, security } from '../platform/openapi.ts';
import { RangeQuery } from '../reports/schemas.ts';
import { csvResponse, wantOf, exportLedger } from './export.ts';

// CSV on the API. The list endpoints (GET /customers, GET /customers/{id}/transactions) answer CSV when
// asked with `?format=csv` or `Accept: text/csv`: the whole list, streamed, instead of one JSON page.
// The query parameter wins over the header, so a link or a spreadsheet's "import from URL" gets CSV
// without setting headers. GET /ledger is the whole ledger of a date range, CSV only.

export const ExportFormat = z.enum(['json', 'csv']).optional().openapi({
  description: 'csv: the whole list as a CSV download (streamed; limit and cursor are ignored; owners and group keys only: ' +
    'customers.export). Without it, `Accept: text/csv` asks for CSV too. Default: a JSON page',
});

/** Whether this request asked for CSV: `format=csv`, or no `format` and an Accept header naming text/csv. */
export function wantsCsv(c: Context, format: 'json' | 'csv' | undefined): boolean {
  if (format) return format === 'csv';
  return /\btext\/csv\b/i.test(c.req.header('accept') ?? '');
}

/** A 200 that is either a JSON page or, asked for, a CSV download. */
export const jsonOrCsv = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: {
    'application/json': { schema },
    'text/csv': { schema: z.string().openapi({ description: 'RFC 4180 CSV with a header row; text cells starting with = + - @ are prefixed with \'' }) },
  },
});

const ledger = createRoute({
  method: 'get', path: '/ledger', tags: ['Customers'], security,
  summary: 'Every ledger row of a date range, as CSV (oldest first)',
  description: 'Days `from` to `to` inclusive, local to `tz` (default: the location\'s zone, else the group\'s, else UTC). ' +
    '`locationId` narrows it to the rows written at one site. Streamed: any range, in constant memory. customers.export.',
  request: { query: RangeQuery.extend({ format: z.enum(['csv']).optional().openapi({ description: 'Only csv for now' }) }) },
  responses: {
    200: { description: 'The ledger rows', content: { 'text/csv': { schema: z.string() } } },
    ...problems(400, 401, 403, 404),
  },
});

export function ledgerExportRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter().openapi(ledger, async (c) => csvResponse(await exportLedger(sql, c.get('caller'), c.req.valid('query'), wantOf(c.req.method, deps.config))));
}
