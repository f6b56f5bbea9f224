import { Hono } from 'hono';
import type { Caller } from '../identity/caller.ts';
import { allows } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import type { Deps } from '../platform/deps.ts';
import { toProblem } from '../platform/errors.ts';
import { listGiftCards } from '../giftCards/list.ts';
import { GiftCardListStatus } from '../giftCards/listSchemas.ts';
import { giftCardLiability } from '../reports/liability.ts';
import { LiabilityQuery } from '../reports/liabilitySchemas.ts';
import { CardListResults, CardListRows, GiftCardListPage, LiabilityPanel, type CardListFilter, type CardListPage } from '../../views/giftCardList.tsx';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminEnv, fragment, meta, page, snapshot, zone } from './context.ts';

// The admin's book of gift cards (issue 13): the list and the liability, read by the same domain calls
// as GET /api/v1/gift-cards and GET /api/v1/reports/gift-cards. Reached from the Gift cards nav entry.

const PAGE_SIZE = 50;

/** The search box has no length limit of its own (the API's is 100); a status not on the menu means any. */
function filterOf(query: (name: string) => string | undefined): CardListFilter {
  const status = GiftCardListStatus.safeParse(query('status'));
  return { q: (query('q') ?? '').trim().slice(0, 100), status: status.success ? status.data : '' };
}

async function cardList(db: Db, caller: Caller, base: string, filter: CardListFilter, cursor: string | undefined): Promise<CardListPage> {
  const { data, nextCursor } = await listGiftCards(db, caller, {
    q: filter.q || undefined, status: filter.status || undefined, limit: PAGE_SIZE, cursor,
  });
  const params = new URLSearchParams({ ...(filter.q ? { q: filter.q } : {}), ...(filter.status ? { status: filter.status } : {}) });
  const nextHref = nextCursor ? `${base}/gift-cards/list/rows?${params}${params.size ? '&' : ''}cursor=${nextCursor}` : null;
  return { rows: data, nextHref };
}

/** Owners see the liability; for anyone else the page is the list alone. */
const seesLiability = (caller: Caller) => allows(caller.role, 'giftCards.liability', Boolean(caller.boundLocationId));

export function giftCardListPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();
  const currency = (c: { get: (k: 'session') => { currency: string } }) => c.get('session').currency;

  app.get('/gift-cards/list', async (c) => {
    const caller = c.get('caller');
    const filter = filterOf((n) => c.req.query(n));
    const { seq, data } = await snapshot(sql, caller.tenantId, async (tx) => ({
      page: await cardList(tx, caller, adminBase(caller.tenantSlug), filter, undefined),
      liability: seesLiability(caller) ? await giftCardLiability(tx, caller, {}) : null,
    }));
    return page(c, <GiftCardListPage meta={meta(c, seq)} currency={currency(c)} filter={filter} {...data} />);
  });

  app.get('/gift-cards/list/results', async (c) => {
    const caller = c.get('caller');
    const filter = filterOf((n) => c.req.query(n));
    const list = await cardList(sql, caller, adminBase(caller.tenantSlug), filter, undefined);
    return fragment(c, <CardListResults tz={zone(c)} page={list} currency={currency(c)} filter={filter} />);
  });

  app.get('/gift-cards/list/rows', async (c) => {
    const caller = c.get('caller');
    const list = await cardList(sql, caller, adminBase(caller.tenantSlug), filterOf((n) => c.req.query(n)), c.req.query('cursor'));
    return fragment(c, <CardListRows tz={zone(c)} page={list} currency={currency(c)} />);
  });

  app.get('/gift-cards/liability', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const from = c.req.query('from') ?? '';
    const to = c.req.query('to') ?? '';
    const parsed = LiabilityQuery.safeParse({ from: from || undefined, to: to || undefined });
    if (!parsed.success) {
      return fragment(c, <LiabilityPanel base={base} currency={currency(c)} from={from} to={to} error="Choose the first and last day as dates." />, 400);
    }
    try {
      const report = await giftCardLiability(sql, caller, parsed.data);
      return fragment(c, <LiabilityPanel base={base} currency={currency(c)} report={report} />);
    } catch (err) {
      const p = toProblem(err);
      if (p.status !== 400) throw err;
      return fragment(c, <LiabilityPanel base={base} currency={currency(c)} from={from} to={to} error={p.detail} />, 400);
    }
  });

  return app;
}
