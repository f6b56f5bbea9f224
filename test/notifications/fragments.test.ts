import { describe, expect, test } from 'bun:test';
import { renderAdminFragment, type AdminEvent } from '../../src/admin/fragments.tsx';
import { NotificationCreated, NotificationsRead } from '../../src/notifications/events.ts';

// The bell's stream fragments are pure functions of the personal events: the badge (stamped with the
// event id, so an older count never replaces a newer one), a toast that names its cause, and never an
// Activity row (personal events are no one else's business, and not the feed's).

const event = (type: string, data: any, id = 90): AdminEvent => ({
  tenantId: 't1', tenantSlug: 'alpha', id, type, data, actor: null, createdAt: '2026-11-30T12:00:00.000Z',
});

const created = {
  adminId: 'a1', unreadCount: 3, causeEventId: '88',
  notification: { id: 'n1', kind: 'online_order', title: 'New online order ORD-1001', body: 'A guest · delivery · GBP 17.00',
    link: '/alpha/admin/orders/o1', createdAt: '2026-11-30T12:00:00.000Z', readAt: null },
};
const read = { adminId: 'a1', ids: null, deleted: false, unreadCount: 0 };

describe('the bell on the admin stream', () => {
  test('the payloads are the catalogue shapes', () => {
    expect(NotificationCreated.safeParse(created).success).toBe(true);
    expect(NotificationsRead.safeParse(read).success).toBe(true);
  });

  test('a new notification: the badge at this event, and a toast linking to it that names its cause', () => {
    const html = renderAdminFragment(event('notification_created', created));
    expect(html.startsWith('<!--ev:notification_created-->')).toBe(true);
    expect(html).toContain('<span id="bell-count" class="bell-count" data-seq="90" data-unread="3" hx-swap-oob="outerHTML">3');
    expect(html).toContain('hx-swap-oob="beforeend:#toasts" data-seq="90"');
    expect(html).toContain('data-notify="online_order"');
    expect(html).toContain('data-cause="88"');
    expect(html).toContain('<a href="/alpha/admin/orders/o1">New online order ORD-1001</a>');
    expect(html).not.toContain('feed');
  });

  test('read elsewhere: only the badge, hidden at zero', () => {
    const html = renderAdminFragment(event('notifications_read', read, 91));
    expect(html).toContain('id="bell-count"');
    expect(html).toContain('data-seq="91" data-unread="0" hidden=""');
    expect(html).not.toContain('toast');
    expect(html).not.toContain('feed');
  });

  test('a title is text, never markup', () => {
    const html = renderAdminFragment(event('notification_created', {
      ...created, notification: { ...created.notification, title: '<img src=x onerror=alert(1)>', link: null },
    }));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img');
  });
});
