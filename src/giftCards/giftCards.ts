import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import { atLocation } from '../locations/where.ts';
import type { Db, Sql } from '../platform/database.ts';
import { ApiError } from '../platform/errors.ts';
import { generateGiftCardCode, normalizeGiftCardCode } from './code.ts';
import type {
  GiftCard, GiftCardActivity, GiftCardIssue, GiftCardRedeem, GiftCardRedemption, GiftCardVoid, RecentGiftCard,
} from './schemas.ts';
import { giftCardNotFound, withGiftCardThrottle } from './throttle.ts';

// The gift cards domain, both doors: who may (the policy), which card (any spelling of its code), the
// guessing throttle, and one SQL function call or one read. The SQL functions lock the card, check it
// and write balance, activity row and event together (sql/0002_orders_gift_cards.sql).

/**
 * How a door runs the domain's work on a card addressed by code: the API stores its idempotent response
 * in the same transaction, an admin page learns the event id it reflects. The throttle stays outside
 * that transaction, so a miss is recorded after the 404 has rolled the transaction back.
 */
export type Within<T, R> = (work: (db: Db) => Promise<T>) => Promise<R>;

/**
 * The canonical code, or a 400 worded for a person: the admin page shows the detail where the code was
 * typed. `path` names the field in the request (`code`, or `giftCard.code` at checkout).
 */
export function giftCardCode(raw: string, path = 'code'): string {
  const code = normalizeGiftCardCode(raw);
  if (!code) {
    throw new ApiError(400, 'validation_failed', `"${raw.slice(0, 40)}" is not a gift card code (GC-XXXX-XXXX-XXXX-XXXX).`,
      { errors: [{ path, message: 'not a gift card code' }] });
  }
  return code;
}

/** Authorize, read the code, then run `work` on it under the caller's miss throttle. */
function onCard<T, R>(sql: Sql, caller: Caller, raw: string, within: Within<T, R>, work: (db: Db, code: string) => Promise<T>) {
  const code = giftCardCode(raw);
  return withGiftCardThrottle(sql, caller, () => within((db) => work(db, code)));
}

const onPool = <T>(sql: Sql): Within<T, T> => (work) => work(sql);

/**
 * Sell or issue a card: the only answer that carries a new card's full code. `customerId` links the
 * buyer (sql/0014): another tenant's or an unknown id is 404, an erased customer 409 customer_erased.
 */
export async function issueGiftCard(db: Db, caller: Caller, input: GiftCardIssue): Promise<GiftCard> {
  authorize(caller, 'giftCards.issue');
  return atLocation(db, caller, input.locationId, async (tx) => {
    const [{ card }] = await tx`select gift_card_issue(${caller.tenantId}, ${generateGiftCardCode()}, ${input.amountCents},
      ${input.purchasedBy}, ${input.recipientName ?? null}, ${input.recipientEmail ?? null}, ${input.expiresAt ?? null},
      ${input.customerId ?? null}, ${caller.actor}) as card`;
    return card as GiftCard;
  });
}

export function giftCardByCode(sql: Sql, caller: Caller, code: string): Promise<GiftCard>;
export function giftCardByCode<R>(sql: Sql, caller: Caller, code: string, within: Within<GiftCard, R>): Promise<R>;
export async function giftCardByCode(sql: Sql, caller: Caller, code: string, within: Within<GiftCard, unknown> = onPool(sql)) {
  authorize(caller, 'giftCards.read');
  return onCard(sql, caller, code, within, async (db, c) => {
    const [row] = await db`select gift_card_json(g) as card from gift_cards g where tenant_id = ${caller.tenantId} and code = ${c}`;
    if (!row) throw giftCardNotFound();
    return row.card as GiftCard;
  });
}

/** A card's activity rows, oldest first: the balance is their sum (I5). */
export async function giftCardActivity(sql: Sql, caller: Caller, code: string): Promise<GiftCardActivity[]> {
  authorize(caller, 'giftCards.read');
  return onCard(sql, caller, code, onPool(sql), async (db, c) => {
    const [card] = await db`select id from gift_cards where tenant_id = ${caller.tenantId} and code = ${c}`;
    if (!card) throw giftCardNotFound();
    const rows = await db`select gift_card_activity_json(a) as row from gift_card_activity a
      where gift_card_id = ${card.id} order by seq`;
    return rows.map((r) => r.row as GiftCardActivity);
  });
}

/** Spend from a card; refused 409 insufficient_funds, gift_card_void or gift_card_expired. */
export async function redeemGiftCard<R>(
  sql: Sql, caller: Caller, code: string, input: GiftCardRedeem, within: Within<GiftCardRedemption, R>,
): Promise<R> {
  authorize(caller, 'giftCards.redeem');
  return onCard(sql, caller, code, within, async (db, c) => {
    return atLocation(db, caller, input.locationId, async (tx) => {
      const [{ r }] = await tx`select gift_card_redeem(${caller.tenantId}, ${c}, ${input.amountCents}, ${input.orderId ?? null},
        ${caller.actor}) as r`;
      return r as GiftCardRedemption;
    });
  });
}

/** Void a card: it can no longer be spent and what was left on it is written off; a second void is 409 gift_card_void. */
export async function voidGiftCard<R>(sql: Sql, caller: Caller, code: string, input: GiftCardVoid, within: Within<GiftCard, R>): Promise<R> {
  authorize(caller, 'giftCards.void');
  return onCard(sql, caller, code, within, async (db, c) => {
    return atLocation(db, caller, input.locationId, async (tx) => {
      const [{ card }] = await tx`select gift_card_void(${caller.tenantId}, ${c}, ${input.reason ?? null}, ${caller.actor}) as card`;
      return card as GiftCard;
    });
  });
}

/** The admin's recently issued list, newest first, codes masked. */
export async function recentGiftCards(db: Db, caller: Caller, limit = 20): Promise<RecentGiftCard[]> {
  authorize(caller, 'giftCards.read');
  const rows = await db`select g.id, gift_card_masked(g) as "maskedCode", gift_card_status(g) as status,
      g.initial_cents as "initialCents", g.balance_cents as "balanceCents", g.purchased_by as "purchasedBy",
      iso(g.created_at) as "createdAt"
    from gift_cards g where g.tenant_id = ${caller.tenantId} order by g.seq desc limit ${limit}`;
  return rows.map((r) => r as RecentGiftCard);
}
