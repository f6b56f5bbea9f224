import { describe, expect, test } from 'bun:test';
import { renderWallet, walletFilter } from '../../src/wallet/filter.ts';
import { LinkThrottle } from '../../src/wallet/throttle.ts';
import type { HubEvent } from '../../src/realtime/subscriber.ts';

const ME = '00000000-0000-4000-8000-0000000000aa';
const YOU = '00000000-0000-4000-8000-0000000000bb';
let seq = 0;
const ev = (type: string, data: Record<string, unknown>): HubEvent =>
  ({ tenantId: 't', tenantSlug: 'alpha', id: ++seq, type, locationId: null, data, actor: 'key:1', createdAt: '2026-01-01T12:00:00.000Z' });
const points = (customerId: string) => ev('loyalty_updated', {
  customerId, customerPhone: '+447306000001', customerName: 'Private Name', pointsChange: 5, newBalance: 15, totalPointsEarned: 15,
  totalPointsRedeemed: 0, transactionType: 'add', reason: 'a note', orderId: 'ORDER-1', transactionId: 'tx-1',
});

describe("a wallet's filter and frames", () => {
  test("pass only this customer's points, merges into it and erasure, and its own cards, learning a card as it is bought", () => {
    const only = walletFilter(ME, ['card-old']);
    expect([points(ME), points(YOU)].map(only)).toEqual([true, false]);
    expect(only(ev('customer_merged', { customerId: ME, duplicateId: YOU, pointsMoved: 3, customer: {} }))).toBe(true);
    expect(only(ev('customer_merged', { customerId: YOU, duplicateId: ME, pointsMoved: 3, customer: {} }))).toBe(false);
    expect([ev('customer_erased', { customerId: ME, mergedIds: [] }), ev('customer_erased', { customerId: YOU, mergedIds: [] })].map(only)).toEqual([true, false]);
    expect(only(ev('gift_card_redeemed', { giftCardId: 'card-old' }))).toBe(true);
    expect(only(ev('gift_card_redeemed', { giftCardId: 'card-new' }))).toBe(false);
    expect(only(ev('gift_card_purchased', { giftCardId: 'card-yours', customerId: YOU }))).toBe(false);
    expect(only(ev('gift_card_purchased', { giftCardId: 'card-new', customerId: ME }))).toBe(true);
    expect(only(ev('gift_card_updated', { giftCardId: 'card-new' }))).toBe(true);
    expect(only(ev('gift_card_updated', { giftCardId: 'card-yours' }))).toBe(false);
    for (const type of ['customer_created', 'customer_updated', 'new_order', 'settings_updated', 'wallet_link_created']) {
      expect(only(ev(type, { customerId: ME, customer: { id: ME } }))).toBe(false);
    }
  });

  test('frames carry the change, never a name, phone, note, order, actor or customer id', () => {
    const text = renderWallet(points(ME))!;
    expect(JSON.parse(text)).toEqual({ kind: 'points', id: 'tx-1', change: 5, balance: 15, type: 'add', reward: null, locationId: null, at: '2026-01-01T12:00:00.000Z' });
    for (const secret of ['Private', '+44', 'a note', 'ORDER-1', 'key:1', ME]) expect(text).not.toContain(secret);
    const merged = renderWallet(ev('customer_merged', { customerId: ME, duplicateId: YOU, pointsMoved: 3, customer: { id: ME, name: 'Private Name', pointsBalance: 18 } }))!;
    expect(JSON.parse(merged)).toEqual({ kind: 'balance', balance: 18, at: '2026-01-01T12:00:00.000Z' });
    expect(renderWallet(ev('customer_created', { customer: {} }))).toBeNull();
  });
});

describe('the per-token throttle', () => {
  test('allows the limit per rolling minute, then says how many seconds until the oldest use ages out', () => {
    let now = 1_000_000;
    const limit = new LinkThrottle(3, () => now);
    expect([limit.take('a'), limit.take('a'), limit.take('a')]).toEqual([null, null, null]);
    now += 20_000;
    expect(limit.take('a')).toBe(40);
    expect(limit.take('b')).toBeNull();
    now += 40_001;
    expect([limit.take('a'), limit.take('a'), limit.take('a'), limit.take('a')]).toEqual([null, null, null, 60]);
  });
});
