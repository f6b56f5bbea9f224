import type { Sql } from '../platform/database.ts';
import { customerRewards, listRewards } from '../rewards/rewards.ts';
import { walletCaller, type OpenLink } from './links.ts';

// What the wallet page shows, read for one live link. The guest is not a caller of the API: the link is
// their authority, and it reaches one customer's own rows only. Reading the rewards menu goes through
// the rewards domain (customerRewards), which asks for a caller: the link acts as a read-only caller of
// its tenant for that one read (rewards.read is everyone's), recorded as `wallet:<link id>`.

export type WalletActivity = { id: string; type: string; points: number; balanceAfter: number; at: string; where: string | null };
export type WalletCard = { id: string; maskedCode: string; status: string; balanceCents: number };
export type WalletView = {
  link: OpenLink;
  /** The tenant's newest event id read before everything else: the stream resumes after it (no gap; a repeat is harmless). */
  cursor: number;
  balance: number;
  activity: WalletActivity[];
  cards: WalletCard[];
  /** The active menu, cheapest first: the page works out the next reward again when the balance moves. */
  menu: { name: string; pointsCost: number }[];
  next: { name: string; pointsCost: number; pointsToGo: number } | null;
  /** Site names by id, for live rows (a site added after the page loaded shows no name). */
  locations: Record<string, string>;
};

export async function walletView(sql: Sql, link: OpenLink): Promise<WalletView> {
  // One repeatable-read snapshot that starts with the tenant's event counter: the page shows exactly the
  // state as of `cursor`, and the stream resumes after it, so nothing is missed or applied twice.
  return sql.begin('isolation level repeatable read read only', async (tx) => {
  const [{ cursor }] = await tx`select event_seq::int as cursor from tenant_counters where tenant_id = ${link.tenantId}`;
  const caller = walletCaller(link);
  const [activity, cards, locations, rewards, menu] = await Promise.all([
    tx`select l.id, l.type, l.points, l.balance_after, iso(l.created_at) as at, loc.name as where_name
      from ledger l left join locations loc on loc.tenant_id = l.tenant_id and loc.id = l.location_id
      where l.customer_id = ${link.customerId} order by l.seq desc limit 20`,
    tx`select g.id, gift_card_masked(g) as masked, gift_card_status(g) as status, g.balance_cents
      from gift_cards g where g.tenant_id = ${link.tenantId} and g.purchaser_customer_id = ${link.customerId}
      order by g.seq desc limit 20`,
    tx`select id, name from locations where tenant_id = ${link.tenantId}`,
    customerRewards(tx, caller, link.customerId),
    listRewards(tx, caller, true),
  ]);
  return {
    link, cursor, balance: rewards.pointsBalance,
    activity: activity.map((r) => ({ id: r.id, type: r.type, points: r.points, balanceAfter: r.balance_after, at: r.at, where: r.where_name ?? null })),
    cards: cards.map((r) => ({ id: r.id, maskedCode: r.masked, status: r.status, balanceCents: r.balance_cents })),
    menu: menu.map((r) => ({ name: r.name, pointsCost: r.pointsCost })),
    next: rewards.next ? { name: rewards.next.reward.name, pointsCost: rewards.next.reward.pointsCost, pointsToGo: rewards.next.pointsToGo } : null,
    locations: Object.fromEntries(locations.map((r) => [r.id, r.name])),
  };
  });
}
