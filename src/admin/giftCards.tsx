import { Hono, type Context } from 'hono';
import type { AppEnv, Deps } from '../platform/deps.ts';
import type { Sql, Tx } from '../platform/database.ts';
import { ApiError, toProblem } from '../platform/errors.ts';
import { generateGiftCardCode, normalizeGiftCardCode } from '../giftCards/code.ts';
import { withGiftCardThrottle } from '../giftCards/throttle.ts';
import { CardPanel, GiftCardsPage, IssueForm, type GiftCardView, type RecentCard } from '../../views/giftCards.tsx';
import type { FormState } from '../../views/form.tsx';
import { money } from '../../views/format.ts';
import { adminBase } from '../../views/layout.tsx';
import { Board, OrdersPage, type OrderView } from '../../views/orders.tsx';
import { ReconciliationPage, ReconRow, type ReconItem } from '../../views/reconciliation.tsx';
import { formFields } from './forms.ts';
import { type AdminEnv, change, fragment, isUuid, meta, page, parsePoints, snapshot } from './context.ts';

/** "12.50" → 1250; null when it is not an amount. */
export function parseMoney(raw: string | undefined): number | null {
  const v = (raw ?? '').replace(/[\s£$€,]/g, '');
  if (!/^\d{1,7}(\.\d{1,2})?$/.test(v)) return null;
  const cents = Math.round(Number(v) * 100);
  return cents > 0 ? cents : null;
}

export function giftCardPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

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
      return await withGiftCardThrottle(sql, c.get('caller'), () => work(code));
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


  return app;
}
