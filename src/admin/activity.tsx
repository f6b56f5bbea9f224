import { Hono } from 'hono';
import type { Deps } from '../platform/deps.ts';
import { activityFeed, type ActivityEntry } from '../events/activity.ts';
import { ACTIVITY_TYPES, ActivityPage, ActivityRows, type ActivityView } from '../../views/activity.tsx';
import { describe } from '../../views/shell/describe.ts';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminEnv, type AdminContext, fragment, meta, page, snapshot, zone } from './context.ts';

/** A known type, or anything shaped like one (an old link to a retired type shows an empty feed). */
const typeParam = (raw: string | undefined) =>
  raw && (ACTIVITY_TYPES.includes(raw) || /^[a-z_]{1,40}$/.test(raw)) ? raw : null;

/** The feed's entries worded for the page, and the link to the next older page when there is one. */
function feedView(c: AdminContext, feed: { entries: ActivityEntry[]; more: boolean }, type: string | null) {
  const s = c.get('session');
  const rows: ActivityView[] = feed.entries.map((e) => ({
    id: e.id, type: e.type, actor: e.actor, createdAt: e.createdAt, text: describe({ type: e.type, data: e.data }, s.currency),
  }));
  const q = new URLSearchParams({ before: String(rows.at(-1)?.id ?? 0), ...(type ? { type } : {}) });
  return { rows, moreHref: feed.more ? `${adminBase(s.tenantSlug)}/activity/rows?${q}` : null };
}

export function activityPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/activity', async (c) => {
    const caller = c.get('caller');
    const type = typeParam(c.req.query('type'));
    const { seq, data } = await snapshot(sql, caller.tenantId, (tx) => activityFeed(tx, caller, { type, before: null }));
    const view = feedView(c, data, type);
    return page(c, <ActivityPage meta={meta(c, seq)} type={type} rows={view.rows} moreHref={view.moreHref} />);
  });

  app.get('/activity/rows', async (c) => {
    const type = typeParam(c.req.query('type'));
    const before = Number(c.req.query('before'));
    const feed = await activityFeed(sql, c.get('caller'), { type, before: Number.isSafeInteger(before) ? before : null });
    const view = feedView(c, feed, type);
    return fragment(c, <ActivityRows tz={zone(c)} rows={view.rows} moreHref={view.moreHref} />);
  });

  return app;
}
