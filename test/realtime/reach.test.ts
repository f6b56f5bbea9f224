import { describe, expect, test } from 'bun:test';
import { receives, SITE_EVENT_TYPES } from '../../src/realtime/reach.ts';
import { eventCatalogue } from '../../src/events/catalogue.ts';

const SOHO = '00000000-0000-4000-8000-000000000001';
const CAMDEN = '00000000-0000-4000-8000-000000000002';
const at = (type: string, locationId: string | null) => ({ type, locationId });

describe('who receives an event', () => {
  test('every catalogued type is decided: orders are per-site, points, customers, gift cards, settings and reconciliation are group-wide', () => {
    // A new type fails here until someone decides whether a till at another site needs it.
    const group = ['customer_created', 'customer_updated', 'customer_merged', 'customer_erased', 'loyalty_updated', 'gift_card_purchased', 'gift_card_redeemed', 'gift_card_updated',
      'settings_updated', 'reconciliation_resolved', 'reward_created', 'reward_updated', 'admin_created', 'admin_updated', 'admin_deactivated',
      'webhook_disabled', 'wallet_link_created', 'wallet_links_revoked',
      // Personal: one admin's own (data.adminId), to their session streams only (see the test below).
      'notification_created', 'notifications_read'];
    expect([...SITE_EVENT_TYPES].sort()).toEqual(['new_order', 'order_updated']);
    expect(Object.keys(eventCatalogue).sort()).toEqual([...SITE_EVENT_TYPES, ...group].sort());
  });

  test("an admin's notification events reach only that admin's streams: never another admin's, a key's or an unaddressed reach", () => {
    const mine = { type: 'notification_created', locationId: null, data: { adminId: 'a1' } };
    const read = { type: 'notifications_read', locationId: SOHO, data: { adminId: 'a1' } };
    for (const e of [mine, read]) {
      expect(receives({ types: null, sites: null, admin: 'a1' }, e)).toBe(true);
      expect(receives({ types: null, sites: new Set([CAMDEN]), admin: 'a1' }, e)).toBe(true);
      expect(receives({ types: null, sites: null, admin: 'a2' }, e)).toBe(false);
      expect(receives({ types: null, sites: null, admin: null }, e)).toBe(false);
      expect(receives({ types: null, sites: null }, e)).toBe(false);
      expect(receives({ types: null, sites: null, admin: 'a1' }, { ...e, data: {} })).toBe(false);
    }
  });

  test('a stream following every site gets every event, with or without a location', () => {
    const all = { types: null, sites: null };
    for (const type of ['new_order', 'order_updated', 'loyalty_updated', 'settings_updated']) {
      for (const loc of [SOHO, CAMDEN, null]) expect(receives(all, at(type, loc))).toBe(true);
    }
  });

  test("a stream following SOHO gets SOHO's orders and never CAMDEN's, nor an order placed at no site", () => {
    const soho = { types: null, sites: new Set([SOHO]) };
    expect(receives(soho, at('new_order', SOHO))).toBe(true);
    expect(receives(soho, at('order_updated', SOHO))).toBe(true);
    expect(receives(soho, at('new_order', CAMDEN))).toBe(false);
    expect(receives(soho, at('order_updated', CAMDEN))).toBe(false);
    expect(receives(soho, at('new_order', null))).toBe(false);
    expect(receives(soho, { type: 'new_order' })).toBe(false);
  });

  test('group-wide events reach a site-filtered stream wherever they happened', () => {
    const soho = { types: null, sites: new Set([SOHO]) };
    for (const type of ['loyalty_updated', 'customer_created', 'gift_card_redeemed', 'settings_updated', 'reconciliation_resolved', 'test_event']) {
      for (const loc of [SOHO, CAMDEN, null]) expect(receives(soho, at(type, loc))).toBe(true);
    }
  });

  test('types and sites both apply: following two sites, only the types asked for', () => {
    const kitchen = { types: new Set(['new_order']), sites: new Set([SOHO, CAMDEN]) };
    expect(receives(kitchen, at('new_order', CAMDEN))).toBe(true);
    expect(receives(kitchen, at('order_updated', CAMDEN))).toBe(false);
    expect(receives(kitchen, at('loyalty_updated', SOHO))).toBe(false);
    expect(receives(kitchen, at('new_order', '00000000-0000-4000-8000-000000000003'))).toBe(false);
  });
});
