import { Hono } from 'hono';
import type { Deps } from '../platform/deps.ts';
import { toProblem } from '../platform/errors.ts';
import { customerById } from '../customers/customers.ts';
import { giftCardByCode, issueGiftCard, recentGiftCards, redeemGiftCard, voidGiftCard } from '../giftCards/giftCards.ts';
import { GIFT_CARD_MAX_CENTS, GiftCardIssue, GiftCardRedeem, type GiftCard } from '../giftCards/schemas.ts';
import { CardPanel, GiftCardsPage, IssueForm } from '../../views/giftCards.tsx';
import type { FormState } from '../../views/shell/form.tsx';
import { money } from '../../views/shell/format.ts';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminContext, type AdminEnv, change, fragment, meta, page, snapshot, zone } from './context.ts';
import { type FieldErrors, formFields, moneyField, optionalText, parseForm, refusal } from './forms.ts';

/** The forms type `amount` in currency units; the schemas count `amountCents`. */
function onForm({ amountCents, ...rest }: FieldErrors): FieldErrors {
  return amountCents === undefined ? rest : { ...rest, amount: amountCents };
}

/**
 * A problem about the code itself (not one, unknown here, too many misses) shows where the code was
 * typed, with the refusal's own status (400, 404, 429), as the API answers it.
 */
function codeRefusal(err: unknown): { errors: FieldErrors; status: number } {
  const p = toProblem(err);
  if (p.status >= 500 || p.status === 401 || p.status === 403) throw err;
  return { errors: { code: p.detail }, status: p.status };
}

export function giftCardPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  const view = (c: AdminContext) => {
    const s = c.get('session');
    return { base: adminBase(s.tenantSlug), currency: s.currency };
  };
  /** The card as of event `seq`, so later gift card events update the panel and older ones cannot. */
  const cardAsOf = (c: AdminContext, code: string) => {
    const caller = c.get('caller');
    return giftCardByCode(sql, caller, code, (read) => snapshot(sql, caller.tenantId, read));
  };
  const panel = (c: AdminContext, card: GiftCard | null, seq: number, state: FormState, status = 200) =>
    fragment(c, <CardPanel tz={zone(c)} {...view(c)} card={card} seq={seq} state={state} />, status);
  const noCard = (c: AdminContext, err: unknown) => {
    const { errors, status } = codeRefusal(err);
    return panel(c, null, 0, { errors }, status);
  };
  /** The card with an inline error; a card that cannot be read any more says why where its code was typed. */
  const cardWithError = async (c: AdminContext, code: string, state: FormState, status: number) => {
    try {
      const { seq, data } = await cardAsOf(c, code);
      return panel(c, data, seq, state, status);
    } catch (err) {
      return noCard(c, err);
    }
  };

  // ?customerId= (the link on a customer's page): the issue form is linked to that customer and names
  // them as the buyer. Unknown here, or another tenant's: 404 on the one error path.
  app.get('/gift-cards', async (c) => {
    const caller = c.get('caller');
    const customerId = c.req.query('customerId');
    const { seq, data } = await snapshot(sql, caller.tenantId, async (tx) => ({
      recent: await recentGiftCards(tx, caller),
      buyer: customerId ? await customerById(tx, caller, customerId) : null,
    }));
    const label = data.buyer ? (data.buyer.name ?? data.buyer.phone ?? '') : '';
    const issue = data.buyer ? { values: { customerId: data.buyer.id, customerLabel: label, purchasedBy: label } } : undefined;
    return page(c, <GiftCardsPage meta={meta(c, seq)} currency={view(c).currency} recent={data.recent} issue={issue} />);
  });

  app.post('/gift-cards', async (c) => {
    const caller = c.get('caller');
    const v = view(c);
    const f = await formFields(c);
    const parsed = parseForm(GiftCardIssue, {
      amountCents: moneyField(f.amount),
      purchasedBy: f.purchasedBy,
      recipientName: optionalText(f.recipientName),
      customerId: optionalText(f.customerId),
    }, { amountCents: `Enter an amount such as 20.00 (at most ${money(GIFT_CARD_MAX_CENTS, v.currency)}).` });
    if (parsed.errors) return fragment(c, <IssueForm {...v} state={{ values: f, errors: onForm(parsed.errors) }} />, 422);
    try {
      // The same domain write as POST /api/v1/gift-cards: the card, its issue activity row and gift_card_purchased.
      return fragment(c, <IssueForm {...v} issued={await issueGiftCard(sql, caller, parsed.data)} />);
    } catch (err) {
      return fragment(c, <IssueForm {...v} state={{ values: f, errors: refusal(err, 'form') }} />, 422);
    }
  });

  app.get('/gift-cards/lookup', async (c) => {
    try {
      const { seq, data } = await cardAsOf(c, c.req.query('code') ?? '');
      return panel(c, data, seq, {});
    } catch (err) {
      return noCard(c, err);
    }
  });

  app.post('/gift-cards/redeem', async (c) => {
    const caller = c.get('caller');
    const f = await formFields(c);
    const code = f.code ?? '';
    const parsed = parseForm(GiftCardRedeem, { amountCents: moneyField(f.amount) }, { amountCents: 'Enter an amount such as 5.00.' });
    if (parsed.errors) return cardWithError(c, code, { values: f, errors: onForm(parsed.errors) }, 422);
    try {
      // The same domain write as POST /api/v1/gift-cards/{code}/redeem, under the same miss throttle.
      const { seq, data } = await redeemGiftCard(sql, caller, code, parsed.data, (spend) => change(sql, caller.tenantId, spend));
      return panel(c, data.giftCard, seq, { message: `Redeemed ${money(parsed.data.amountCents, view(c).currency)}.` });
    } catch (err) {
      if (toProblem(err).status !== 409) return noCard(c, err);
      return cardWithError(c, code, { values: f, errors: refusal(err, 'amount') }, 409);
    }
  });

  app.post('/gift-cards/void', async (c) => {
    const caller = c.get('caller');
    const code = (await formFields(c)).code ?? '';
    try {
      const { seq, data } = await voidGiftCard(sql, caller, code, { reason: 'Voided from the back office' },
        (write) => change(sql, caller.tenantId, write));
      return panel(c, data, seq, { message: 'Card voided.' });
    } catch (err) {
      if (toProblem(err).status !== 409) return noCard(c, err);
      return cardWithError(c, code, { errors: refusal(err, 'form') }, 409);
    }
  });

  return app;
}
