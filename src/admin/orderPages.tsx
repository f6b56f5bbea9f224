import { Hono, type Context } from 'hono';
import type { AppEnv, Deps } from '../deps.ts';
import type { Sql, Tx } from '../db.ts';
import { ApiError, toProblem } from '../errors.ts';
import { generateGiftCardCode, normalizeGiftCardCode } from '../giftCardCode.ts';
import { guardGiftCardLookup } from '../giftCardThrottle.ts';
import { CardPanel, GiftCardsPage, IssueForm, type GiftCardView, type RecentCard } from '../../views/giftCards.tsx';
import type { FormState } from '../../views/form.tsx';
import { money } from '../../views/format.ts';
import { adminBase } from '../../views/layout.tsx';
import { Board, OrdersPage, type OrderView } from '../../views/orders.tsx';
import { ReconciliationPage, ReconRow, type ReconItem } from '../../views/reconciliation.tsx';
import { type AdminEnv, change, formFields, fragment, isUuid, meta, page, parsePoints, snapshot } from './context.ts';

const STATUSES = new Set(['preparing', 'ready', 'completed', 'cancelled']);

/** Open orders (what the board shows): everything not yet completed or cancelled. */
async function openOrders(tx: Sql | Tx, tenantId: string): Promise<OrderView[]> {
  const rows = await tx`select order_json(o) as o from orders o
    where o.tenant_id = ${tenantId} and o.status in ('pending', 'preparing', 'ready')
    order by o.seq desc limit 300`;
  return rows.map((r) => r.o as OrderView);
}

/** "12.50" → 1250; null when it is not an amount. */
export function parseMoney(raw: string | undefined): number | null {
  const v = (raw ?? '').replace(/[\s£$€,]/g, '');
  if (!/^\d{1,7}(\.\d{1,2})?$/.test(v)) return null;
  const cents = Math.round(Number(v) * 100);
  return cents > 0 ? cents : null;
}

export function orderPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();
  const asApp = (c: Context<AdminEnv>) => c as unknown as Context<AppEnv>;

  // Orders board ---------------------------------------------------------------------------------

  app.get('/orders', async (c) => {
    const s = c.get('session');
    const { seq, data } = await snapshot(sql, s.tenantId, (tx) => openOrders(tx, s.tenantId));
    return page(c, <OrdersPage meta={meta(c, seq)} orders={data} currency={s.currency} />);
  });

  app.get('/orders/board', async (c) => {
    const s = c.get('session');
    const { seq, data } = await snapshot(sql, s.tenantId, (tx) => openOrders(tx, s.tenantId));
    return fragment(c, <Board orders={data} base={adminBase(s.tenantSlug)} currency={s.currency} seq={seq} />);
  });

  // One click advances: the same order_set_status the API uses (transitions are checked there).
  app.post('/orders/:id/status', async (c) => {
    const s = c.get('session');
    const { actor } = c.get('caller');
    const id = c.req.param('id');
    if (!isUuid(id)) throw new ApiError(404, 'not_found', 'Order not found.');
    const status = (await formFields(c)).status ?? '';
    let error: string | undefined;
    if (!STATUSES.has(status)) error = 'Unknown status.';
    else {
      try {
        await sql`select order_set_status(${s.tenantId}, ${id}, ${status}, ${actor})`;
      } catch (err) {
        const p = toProblem(err);
        if (p.status >= 500 || p.status === 404) throw err;
        error = p.detail;
      }
    }
    const { seq, data } = await snapshot(sql, s.tenantId, (tx) => openOrders(tx, s.tenantId));
    return fragment(c, <Board orders={data} base={adminBase(s.tenantSlug)} currency={s.currency} seq={seq} error={error} />);
  });

  // Gift cards -----------------------------------------------------------------------------------

  app.get('/gift-cards', async (c) => {
    const s = c.get('session');
    const { seq, data } = await snapshot(sql, s.tenantId, async (tx) => {
      const rows = await tx`select g.id, gift_card_masked(g) as "maskedCode", gift_card_status(g) as status, g.initial_cents as "initialCents",
          g.balance_cents as "balanceCents", g.purchased_by as "purchasedBy", iso(g.created_at) as "createdAt"
        from gift_cards g where g.tenant_id = ${s.tenantId} order by g.seq desc limit 20`;
      return rows as unknown as RecentCard[];
    });
    return page(c, <GiftCardsPage meta={meta(c, seq)} currency={s.currency} recent={data} />);
  });

  app.post('/gift-cards', async (c) => {
    const s = c.get('session');
    const { actor } = c.get('caller');
    const base = adminBase(s.tenantSlug);
    const f = await formFields(c);
    const errors: Record<string, string> = {};
    const cents = parseMoney(f.amount);
    if (!cents || cents > 1_000_000) errors.amount = `Enter an amount such as 20.00 (at most ${money(1_000_000, s.currency)}).`;
    if (!f.purchasedBy || f.purchasedBy.length > 200) errors.purchasedBy = 'Who bought it (1 to 200 characters).';
    if ((f.recipientName ?? '').length > 200) errors.form = 'Recipient name is at most 200 characters.';
    if (Object.keys(errors).length) return fragment(c, <IssueForm base={base} currency={s.currency} state={{ values: f, errors }} />, 422);
    try {
      const [{ card }] = await sql`select gift_card_issue(${s.tenantId}, ${generateGiftCardCode()}, ${cents},
        ${f.purchasedBy}, ${f.recipientName || null}, ${null}, ${null}, ${actor}) as card`;
      return fragment(c, <IssueForm base={base} currency={s.currency} issued={card as GiftCardView} />);
    } catch (err) {
      const p = toProblem(err);
      if (p.status >= 500) throw err;
      return fragment(c, <IssueForm base={base} currency={s.currency} state={{ values: f, errors: { form: p.detail } }} />, 422);
    }
  });

  /** Find by code (any common spelling), under the API's miss throttle against code guessing. */
  const withCard = async (c: Context<AdminEnv>, raw: string, work: (code: string) => Promise<Response>) => {
    const s = c.get('session');
    const base = adminBase(s.tenantSlug);
    const code = normalizeGiftCardCode(raw);
    if (!code) return fragment(c, <CardPanel base={base} currency={s.currency} card={null} state={{ errors: { code: `"${raw.slice(0, 40)}" is not a gift card code.` } }} />);
    try {
      return await guardGiftCardLookup(asApp(c), deps, () => work(code));
    } catch (err) {
      const p = toProblem(err);
      if (p.status >= 500) throw err;
      return fragment(c, <CardPanel base={base} currency={s.currency} card={null} state={{ errors: { code: p.detail } }} />);
    }
  };
  /** The card as of event `seq`, so later gift card events update the panel and older ones cannot. */
  const cardByCode = async (tenantId: string, code: string) => {
    const { seq, data: card } = await snapshot(sql, tenantId, async (tx) => {
      const [row] = await tx`select gift_card_json(g) as card from gift_cards g where tenant_id = ${tenantId} and code = ${code}`;
      return row?.card as GiftCardView | undefined;
    });
    if (!card) throw new ApiError(404, 'not_found', 'No gift card has that code.', { resource: 'giftCard' });
    return { card, seq };
  };

  app.get('/gift-cards/lookup', (c) => {
    const s = c.get('session');
    return withCard(c, c.req.query('code') ?? '', async (code) =>
      fragment(c, <CardPanel base={adminBase(s.tenantSlug)} currency={s.currency} {...await cardByCode(s.tenantId, code)} />));
  });

  const cardAction = (kind: 'redeem' | 'void') => async (c: Context<AdminEnv>) => {
    const s = c.get('session');
    const { actor } = c.get('caller');
    const base = adminBase(s.tenantSlug);
    const f = await formFields(c);
    return withCard(c, f.code ?? '', async (code) => {
      const { card, seq } = await cardByCode(s.tenantId, code);
      let state: FormState;
      if (kind === 'redeem') {
        const cents = parseMoney(f.amount);
        if (!cents) {
          return fragment(c, <CardPanel base={base} currency={s.currency} card={card} seq={seq} state={{ values: f, errors: { amount: 'Enter an amount such as 5.00.' } }} />, 422);
        }
        try {
          await sql`select gift_card_redeem(${s.tenantId}, ${code}, ${cents}, ${null}, ${actor})`;
          state = { message: `Redeemed ${money(cents, s.currency)}.` };
        } catch (err) {
          const p = toProblem(err);
          if (p.status >= 500) throw err;
          state = { values: f, errors: { amount: p.detail } };
        }
      } else {
        await sql`select gift_card_void(${s.tenantId}, ${code}, ${'Voided from the back office'}, ${actor})`;
        state = { message: 'Card voided.' };
      }
      return fragment(c, <CardPanel base={base} currency={s.currency} {...await cardByCode(s.tenantId, code)} state={state} />,
        state.errors ? 409 : 200);
    });
  };
  app.post('/gift-cards/redeem', cardAction('redeem'));
  app.post('/gift-cards/void', cardAction('void'));

  // Reconciliation -------------------------------------------------------------------------------

  app.get('/reconciliation', async (c) => {
    const s = c.get('session');
    const { seq, data } = await snapshot(sql, s.tenantId, async (tx) => {
      const rows = await tx`select reconciliation_json(r) as r from reconciliation_queue r
        where r.tenant_id = ${s.tenantId} and r.resolved_at is null order by r.seq desc limit 200`;
      return rows.map((x) => x.r as ReconItem);
    });
    return page(c, <ReconciliationPage meta={meta(c, seq)} items={data} currency={s.currency} />);
  });

  app.post('/reconciliation/:id/resolve', async (c) => {
    const s = c.get('session');
    const { actor } = c.get('caller');
    const base = adminBase(s.tenantSlug);
    const id = c.req.param('id');
    if (!isUuid(id)) throw new ApiError(404, 'not_found', 'Reconciliation item not found.');
    const f = await formFields(c);
    const [current] = await sql`select reconciliation_json(r) as r from reconciliation_queue r where r.tenant_id = ${s.tenantId} and r.id = ${id}`;
    if (!current) throw new ApiError(404, 'not_found', 'Reconciliation item not found.');
    const again = (errors: Record<string, string>) =>
      fragment(c, <ReconRow r={current.r} base={base} currency={s.currency} state={{ values: f, errors }} />, 422);
    if (!f.note) return again({ form: 'Say what was done.' });
    const points = f.points ? parsePoints(f.points, true) : null;
    if (typeof points === 'string') return again({ form: points });
    try {
      const { data } = await change(sql, s.tenantId, async (tx) => {
        const [{ r }] = await tx`select reconciliation_resolve(${s.tenantId}, ${id}, ${f.note}, ${points}, ${actor}) as r`;
        return r as ReconItem;
      });
      return fragment(c, <ReconRow r={data} base={base} currency={s.currency} />);
    } catch (err) {
      const p = toProblem(err);
      if (p.status >= 500 || p.status === 404) throw err;
      return again({ form: p.detail });
    }
  });

  return app;
}
