import type { Caller } from '../identity/caller.ts';
import { authorize } from '../identity/policy.ts';
import type { Db, Sql } from '../platform/database.ts';
import { ApiError } from '../platform/errors.ts';
import { atLocation } from '../locations/where.ts';
import { decodeCursor, keysetPage } from '../platform/pagination.ts';
import { NOTIFICATION_KINDS, type Notification, type NotificationListQuery, type NotificationPage, type Preferences } from './schemas.ts';

// The notification centre, both doors: an admin's own notifications and preferences. The rows are
// written by SQL next to their causes (sql/0027_notifications.sql); this module reads them and changes
// read state (its event recorded at the admin's site, like every write: locations/where.ts), always scoped to the calling admin: another admin's id is 404, exactly like an unknown one.

/** The admin behind a session caller. The policy refuses keys first (403 forbidden). */
function adminOf(caller: Caller): string {
  if (!caller.adminId) throw new ApiError(403, 'forbidden', NOT_A_SESSION);
  return caller.adminId;
}
const NOT_A_SESSION = 'Notifications belong to a signed-in admin: use an admin session, not an API key.';

const notFound = () => new ApiError(404, 'not_found', 'No such notification.');

export const notificationColumns = (db: Db) => db`id, kind, title, body, link, iso(created_at) as "createdAt", iso(read_at) as "readAt", seq`;

const toNotification = (r: any): Notification => ({
  id: r.id, kind: r.kind, title: r.title, body: r.body, link: r.link, createdAt: r.createdAt, readAt: r.readAt,
});

/** A page of the caller's notifications, newest first (keyset on seq), with their unread count. */
export async function listNotifications(db: Db, caller: Caller, q: NotificationListQuery): Promise<NotificationPage> {
  authorize(caller, 'notifications.read');
  const admin = adminOf(caller);
  const before = decodeCursor(q.cursor);
  const rows = await db`
    select ${notificationColumns(db)}, notification_unread(${admin}) as unread from notifications
    where admin_id = ${admin} ${before === null ? db`` : db`and seq < ${before}`}
      ${q.unread === 'true' ? db`and read_at is null` : db``}
    order by seq desc limit ${q.limit + 1}`;
  const unreadCount = rows.length ? rows[0].unread : await unreadCountOf(db, caller);
  return { ...keysetPage(rows, q.limit, toNotification), unreadCount };
}

export async function unreadCountOf(db: Db, caller: Caller): Promise<number> {
  authorize(caller, 'notifications.read');
  const [row] = await db`select notification_unread(${adminOf(caller)}) as n`;
  return row.n;
}

export async function markRead(db: Db, caller: Caller, id: string): Promise<Notification> {
  authorize(caller, 'notifications.manage');
  const [row] = await atLocation(db, caller, null, (tx) => tx`select notification_read(${adminOf(caller)}, ${id}) as n`);
  if (!row.n) throw notFound();
  return row.n;
}

export async function markAllRead(db: Db, caller: Caller): Promise<{ read: number; unreadCount: 0 }> {
  authorize(caller, 'notifications.manage');
  const [row] = await atLocation(db, caller, null, (tx) => tx`select notification_read_all(${adminOf(caller)}) as n`);
  return { read: row.n, unreadCount: 0 };
}

export async function deleteNotification(db: Db, caller: Caller, id: string): Promise<void> {
  authorize(caller, 'notifications.manage');
  const [row] = await atLocation(db, caller, null, (tx) => tx`select notification_delete(${adminOf(caller)}, ${id}) as ok`);
  if (!row.ok) throw notFound();
}

/** The caller's preferences: their saved row, or their role's defaults. */
export async function preferencesOf(db: Db, caller: Caller): Promise<Preferences> {
  authorize(caller, 'notifications.read');
  const [row] = await db`
    select coalesce(p.kinds, notification_default_kinds(a.role)) as kinds, coalesce(p.sound, true) as sound,
      coalesce(p.redemption_threshold, 500) as "redemptionThreshold"
    from admins a left join notification_preferences p on p.admin_id = a.id where a.id = ${adminOf(caller)}`;
  return { kinds: NOTIFICATION_KINDS.filter((k) => row.kinds.includes(k)), sound: row.sound, redemptionThreshold: row.redemptionThreshold };
}

export async function savePreferences(db: Db, caller: Caller, p: Preferences): Promise<Preferences> {
  authorize(caller, 'notifications.manage');
  const kinds = NOTIFICATION_KINDS.filter((k) => p.kinds.includes(k));
  await db`
    insert into notification_preferences (admin_id, tenant_id, kinds, sound, redemption_threshold)
    values (${adminOf(caller)}, ${caller.tenantId}, ${kinds}, ${p.sound}, ${p.redemptionThreshold})
    on conflict (admin_id) do update set kinds = excluded.kinds, sound = excluded.sound,
      redemption_threshold = excluded.redemption_threshold, updated_at = now()`;
  return { kinds, sound: p.sound, redemptionThreshold: p.redemptionThreshold };
}

/**
 * The event listener of this instance has been down since `since` (longer than its bound): tell the
 * owners, once per outage whichever instances notice it (notify_listener_down serialises them). Returns
 * how many rows it wrote. Called by the listener; it has no caller, like the maintenance loop.
 */
export async function reportListenerDown(sql: Sql, instanceId: string, since: Date): Promise<number> {
  const [row] = await sql`select notify_listener_down(${since.toISOString()}, ${instanceId}) as n`;
  return row.n;
}
