import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import type { Db } from '../platform/database.ts';
import { decodeCursor, keysetPage } from '../platform/pagination.ts';
import { likeEscape } from '../customers/searchNeedle.ts';
import type { GiftCardListQuery, GiftCardListStatus, GiftCardPage, GiftCardListItem } from './listSchemas.ts';

// The gift card list, both doors: GET /api/v1/gift-cards and the admin's list page read it here.
//
// Codes stay masked: the full code is a bearer secret (only the issue answer and a look-up by code show
// it, and look-ups are throttled against guessing). So the search matches the masked code's visible
// tail only, never more of it: a search that matched whole codes would be an unthrottled oracle.
// Cards are group-wide, as balances are (policy.ts): a till at one site serves a card bought at another,
// so a caller bound to one site lists the group's cards like anyone else of its tenant.

/** The visible tail of a masked code: the last four symbols. */
const TAIL = 4;

/**
 * The end of a code a search box's text could stand for ("W4BN", "gc-****-****-****-w4bn"), in the
 * code's canonical symbols (Crockford: I and L read as 1, O as 0), or null when it cannot be one.
 */
export function codeTail(q: string): string | null {
  const s = q.trim().replace(/^GC(?=[\s*-])/i, '').replace(/[\s*-]/g, '').toUpperCase()
    .replace(/[IL]/g, '1').replace(/O/g, '0');
  return s.length >= 1 && s.length <= TAIL && /^[0-9A-HJKMNP-TV-Z]+$/.test(s) ? s : null;
}

function statusIs(db: Db, status: GiftCardListStatus) {
  const live = db`g.status = 'active' and (g.expires_at is null or g.expires_at > now())`;
  switch (status) {
    case 'active': return db`and ${live} and g.balance_cents > 0`;
    case 'spent': return db`and ${live} and g.balance_cents = 0`;
    // As gift_card_status decides: void wins over expired.
    case 'expired': return db`and g.status = 'active' and g.expires_at <= now()`;
    case 'void': return db`and g.status = 'void'`;
  }
}

function matching(db: Db, q: string) {
  const words = q.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return db``;
  // Every word in the folded purchaser + recipient (the expression sql/0018's trigram index is on).
  const names = words.reduce((all, w) => db`${all} and search_fold(g.purchased_by || ' ' || coalesce(g.recipient_name, ''))
    like ${'%'} || search_fold(${likeEscape(w)}) || ${'%'}`, db`true`);
  const tail = codeTail(q);
  return tail ? db`and ((${names}) or right(g.code, ${tail.length}) = ${tail})` : db`and (${names})`;
}

/** A page of the tenant's cards, newest first, codes masked; `q` and `status` narrow it. */
export async function listGiftCards(db: Db, caller: Caller, query: GiftCardListQuery): Promise<GiftCardPage> {
  authorize(caller, 'giftCards.read');
  const after = decodeCursor(query.cursor);
  const rows = await db`select g.seq, g.id, gift_card_masked(g) as "maskedCode", gift_card_status(g) as status,
      g.initial_cents as "initialCents", g.balance_cents as "balanceCents", g.purchased_by as "purchasedBy",
      g.recipient_name as "recipientName", iso(g.expires_at) as "expiresAt", iso(g.created_at) as "createdAt",
      iso(g.updated_at) as "updatedAt"
    from gift_cards g
    where g.tenant_id = ${caller.tenantId}
      ${query.q ? matching(db, query.q) : db``}
      ${query.status ? statusIs(db, query.status) : db``}
      ${after !== null ? db`and g.seq < ${after}` : db``}
    order by g.seq desc limit ${query.limit + 1}`;
  return keysetPage(rows, query.limit, ({ seq: _seq, ...card }) => card as GiftCardListItem);
}
