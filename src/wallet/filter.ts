import type { HubEvent } from '../realtime/subscriber.ts';

// What a guest's stream carries: only its own customer's events, reduced to what the wallet page shows.
// Both run on the event the tenant's feed already parsed once: the filter is a string compare (or a Set
// lookup for a gift card), per wallet stream; the render runs once per event for every wallet stream
// that passes (fanOut caches a frame per format). No database work per event, per guest.

/** The event types a wallet can show; everything else never reaches the filter (Subscriber.types). */
export const WALLET_TYPES: ReadonlySet<string> = new Set([
  'loyalty_updated', 'customer_merged', 'customer_erased', 'gift_card_purchased', 'gift_card_redeemed', 'gift_card_updated',
]);

/** The per-link cap key (the registry's): a link's streams count against its own WALLET_STREAMS_PER_LINK. */
export const walletStreamKey = (linkId: string) => `wallet:${linkId}`;
export const linkIdOf = (streamKey: string) => streamKey.slice('wallet:'.length);

/**
 * Does this event belong to this customer? Points and erasure name the customer; a merge counts for the
 * survivor (its balance grew); gift card changes name only the card, so the stream knows its customer's
 * cards (read when it opened) and learns each card it sees bought. A card bought by someone else, or a
 * merge folding this customer away, never passes.
 */
export function walletFilter(customerId: string, giftCardIds: Iterable<string>): (e: HubEvent) => boolean {
  const cards = new Set(giftCardIds);
  return (e) => {
    const d = e.data as Record<string, unknown> | null;
    if (!d) return false;
    switch (e.type) {
      case 'loyalty_updated':
      case 'customer_erased':
      case 'customer_merged':
        return d.customerId === customerId;
      case 'gift_card_purchased':
        if (d.customerId !== customerId) return false;
        cards.add(String(d.giftCardId));
        return true;
      case 'gift_card_redeemed':
      case 'gift_card_updated':
        return cards.has(String(d.giftCardId));
      default:
        return false;
    }
  };
}

/**
 * What a wallet frame's `data` holds: the change, never a name, phone, email, order id, actor or another
 * customer's id (a merge says only the new balance, not whom it folded in).
 */
export type WalletFrame =
  | { kind: 'points'; id: string; change: number; balance: number; type: string; reward: string | null; locationId: string | null; at: string }
  | { kind: 'balance'; balance: number; at: string }
  | { kind: 'card'; id: string; maskedCode: string; balanceCents: number; status: string; at: string }
  | { kind: 'closed' };

export function walletFrame(e: HubEvent): WalletFrame | null {
  const d = e.data as Record<string, any>;
  switch (e.type) {
    case 'loyalty_updated':
      return {
        kind: 'points', id: String(d.transactionId), change: d.pointsChange, balance: d.newBalance, type: d.transactionType,
        reward: d.rewardName ?? null, locationId: e.locationId ?? null, at: e.createdAt,
      };
    case 'customer_merged':
      return { kind: 'balance', balance: d.customer?.pointsBalance ?? 0, at: e.createdAt };
    case 'customer_erased':
      return { kind: 'closed' };
    case 'gift_card_purchased':
      return { kind: 'card', id: d.giftCardId, maskedCode: d.maskedCode, balanceCents: d.balanceCents, status: 'active', at: e.createdAt };
    case 'gift_card_redeemed':
    case 'gift_card_updated':
      return { kind: 'card', id: d.giftCardId, maskedCode: d.maskedCode, balanceCents: d.balanceCents, status: d.status, at: e.createdAt };
    default:
      return null;
  }
}

/** The hub's 'wallet' format (registered at startup): a WalletFrame as JSON, or nothing. */
export function renderWallet(e: HubEvent): string | null {
  if (!WALLET_TYPES.has(e.type)) return null;
  const frame = walletFrame(e);
  return frame ? JSON.stringify(frame) : null;
}
