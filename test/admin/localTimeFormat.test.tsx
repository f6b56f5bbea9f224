import { describe, expect, test } from 'bun:test';
import { renderAdminFragment, type AdminEvent } from '../../src/admin/fragments.tsx';
import { when } from '../../views/shell/format.ts';
import { ActivityRow } from '../../views/activity.tsx';

// format.ts `when()` is the one formatter of times on the admin pages: given the tenant's zone, it
// shows that zone's wall clock, with the date when the day is not today there. Live fragments format
// through the same function with the same zone, so a row reads the same on the page and off the stream.

describe('when() in a zone', () => {
  // 11:30 UTC on 30 November is 00:30 on 1 December in Auckland (NZDT, UTC+13) and 03:30 in Los Angeles.
  const now = new Date('2026-11-30T11:30:00Z');

  test("today in the zone shows the time only; another day there shows the date, even when it is UTC's today", () => {
    expect(when('2026-11-30T11:15:09Z', 'UTC', now)).toBe('11:15:09');
    expect(when('2026-11-30T11:15:09Z', 'Pacific/Auckland', now)).toBe('00:15:09');
    // 10:59 UTC is still today in UTC, but the 30th in Auckland, where it is already the 1st.
    expect(when('2026-11-30T10:59:00Z', 'Pacific/Auckland', now)).toBe('30 Nov 23:59');
    expect(when('2026-11-30T10:59:00Z', 'UTC', now)).toBe('10:59:00');
    expect(when('2026-11-30T07:59:00Z', 'America/Los_Angeles', now)).toBe('29 Nov 23:59');
  });

  test('another year says its year; the offset in force at the instant applies (summer time)', () => {
    expect(when('2025-07-01T12:00:00Z', 'Europe/London', now)).toBe('1 Jul 2025 13:00');
    expect(when('2026-01-01T12:00:00Z', 'Europe/London', now)).toBe('1 Jan 12:00');
  });

  test('a value that is not a date is shown as it came; an unknown zone falls back to UTC, never a broken page', () => {
    expect(when('soon', 'UTC', now)).toBe('soon');
    expect(when('2026-11-30T11:15:09Z', 'Mars/Olympus', now)).toBe('11:15:09');
  });
});

describe('live fragments format times as the page does', () => {
  const at = new Date(Date.now() - 3 * 86_400_000).toISOString(); // not today anywhere
  const event = (type: string, data: any): AdminEvent => ({
    tenantId: 't1', tenantSlug: 'alpha', id: 7, type, data, actor: null, createdAt: at,
  });
  // As in fragments.test.ts: a redemption, whose fragment carries an activity row and a ledger row.
  const loyalty = {
    customerId: 'c-1', customerPhone: '+447306506797', customerName: 'John Doe', pointsChange: -75, newBalance: 200,
    totalPointsEarned: 1225, totalPointsRedeemed: 1025, transactionType: 'redeem', reason: 'Redeemed for order #12345',
    orderId: 'o-9', transactionId: 'tx-1',
  };
  const ctx = (tz: string) => ({ actorLabel: () => 'system', currency: () => 'GBP', timeZone: () => tz });

  test("an activity row off the stream shows the tenant's zone, identical to the page's row", () => {
    for (const tz of ['Pacific/Auckland', 'America/Los_Angeles']) {
      const html = renderAdminFragment(event('loyalty_updated', loyalty), ctx(tz));
      const shown = when(at, tz);
      expect(html).toContain(`<time datetime="${at}">${shown}</time>`);
      const page = String(<ActivityRow tz={tz} a={{ id: 7, type: 'loyalty_updated', text: 'x', actor: 'system', createdAt: at }} />);
      expect(page).toContain(`<time datetime="${at}">${shown}</time>`);
    }
    expect(when(at, 'Pacific/Auckland')).not.toBe(when(at, 'America/Los_Angeles'));
  });

  test('a renderer context without a zone formats in UTC', () => {
    const html = renderAdminFragment(event('loyalty_updated', loyalty),
      { actorLabel: () => 'system', currency: () => 'GBP' });
    expect(html).toContain(`<time datetime="${at}">${when(at, 'UTC')}</time>`);
  });
});
