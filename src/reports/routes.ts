import { createRoute } from '@hono/zod-openapi';
import type { Deps } from '../platform/deps.ts';
import { json, newRouter, problems, security } from '../platform/openapi.ts';
import { ExportFormat, jsonOrCsv, wantsCsv } from '../customers/exportRoutes.ts';
import { dailyRangeCsv, rangeCsvResponse } from './rangeCsv.ts';
import { dailyRange, dailyReport } from './reports.ts';
import { DailyQuery, DailyReport, DailyReportRange, MAX_DAYS, RangeQuery } from './schemas.ts';

const tags = ['Reports'];

const daily = createRoute({
  method: 'get', path: '/reports/daily', tags, security, summary: 'One day at one location (`locationId`) or for the group (with a per-location breakdown): orders, revenue, points earned and redeemed, gift cards sold and redeemed',
  request: { query: DailyQuery },
  responses: { 200: json(DailyReport, 'The day'), ...problems(400, 401, 403, 404) },
});
const range = createRoute({
  method: 'get', path: '/reports/daily/range', tags, security, summary: `Every day from \`from\` to \`to\` (inclusive, at most ${MAX_DAYS}), zero-filled for a chart; one location or the group, as for one day`,
  description: '`format=csv` (or `Accept: text/csv` without `format`) answers the same figures as a CSV download: ' +
    'one `total` row per day, and for the group of a tenant with locations a `location` row per site under it.',
  request: { query: RangeQuery.extend({ format: ExportFormat.openapi({ description: 'csv: the same figures as a CSV download. Default: JSON' }) }) },
  responses: { 200: jsonOrCsv(DailyReportRange, 'The days'), ...problems(400, 401, 403, 404) },
});

export function reportRoutes(deps: Deps) {
  const { sql } = deps;
  return newRouter()
    .openapi(daily, async (c) => c.json(await dailyReport(sql, c.get('caller'), c.req.valid('query')), 200))
    .openapi(range, async (c) => {
      const { format, ...query } = c.req.valid('query');
      if (wantsCsv(c, format)) return rangeCsvResponse(await dailyRangeCsv(sql, c.get('caller'), query), c.req.method === 'HEAD');
      return c.json(await dailyRange(sql, c.get('caller'), query), 200);
    });
}
