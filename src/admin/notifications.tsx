import { Hono, type MiddlewareHandler } from 'hono';
import type { Deps } from '../platform/deps.ts';
import { ApiError } from '../platform/errors.ts';
import { Id } from '../platform/fields.ts';
import { NOTIFICATION_KINDS, Preferences, type NotificationKind } from '../notifications/schemas.ts';
import {
  deleteNotification, listNotifications, markAllRead, markRead, preferencesOf, savePreferences,
} from '../notifications/notifications.ts';
import { BellCount, BellPanel, NotificationItem, NotificationItems, PreferencesForm } from '../../views/notifications.tsx';
import { NotificationsPage } from '../../views/notificationsPage.tsx';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminContext, type AdminEnv, change, fragment, meta, page, snapshot, zone } from './context.ts';

// The bell in every page's header, its panel and actions, and the preferences page: the admin door of
// src/notifications. Every answer that changes the unread count carries the badge out of band, stamped
// with the change's event id; the other tabs of the same admin learn it from their stream.

/**
 * For full pages: the bell's unread count and sound choice, read in one statement with the event id
 * they reflect. The page's stream resumes from the older of that id and the page's own (layout.tsx),
 * so no notification between the two reads is missed; older fragments are refused by data-seq.
 */
export function withBell(deps: Deps): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const caller = c.get('caller');
    if (caller?.adminId && c.req.method === 'GET' && !c.req.header('hx-request') && !c.req.path.endsWith('/stream')) {
      const [row] = await deps.sql`
        select c.event_seq as seq, notification_unread(${caller.adminId}) as unread,
          coalesce((select sound from notification_preferences where admin_id = ${caller.adminId}), true) as sound
        from tenant_counters c where c.tenant_id = ${caller.tenantId}`;
      if (row) c.set('bell', { unread: row.unread, seq: Number(row.seq), sound: row.sound });
    }
    await next();
  };
}

const PANEL_SIZE = 10;

function idOf(c: AdminContext): string {
  const id = c.req.param('id') ?? '';
  if (!Id.safeParse(id).success) throw new ApiError(404, 'not_found', 'No such notification.');
  return id;
}

/** The form's fields: `kinds` repeated, `sound` present when ticked, a threshold. */
async function preferencesForm(c: AdminContext) {
  let form: FormData;
  try {
    form = await c.req.formData();
  } catch {
    throw new ApiError(400, 'validation_failed', 'The form could not be read; send it again from the page.');
  }
  const kinds = form.getAll('kinds').map(String);
  if (kinds.some((k) => !(NOTIFICATION_KINDS as readonly string[]).includes(k))) {
    throw new ApiError(400, 'validation_failed', 'That is not a kind of notification.');
  }
  const threshold = String(form.get('redemptionThreshold') ?? '').trim();
  return Preferences.safeParse({
    kinds, sound: form.get('sound') === 'on', redemptionThreshold: /^\d{1,10}$/.test(threshold) ? Number(threshold) : NaN,
  });
}

export function notificationPages(deps: Deps) {
  const { sql } = deps;
  const app = new Hono<AdminEnv>();

  app.get('/notifications/panel', async (c) => {
    const caller = c.get('caller');
    const p = await listNotifications(sql, caller, { limit: PANEL_SIZE });
    return fragment(c, <BellPanel items={p.data} nextCursor={p.nextCursor} unread={p.unreadCount} base={adminBase(caller.tenantSlug)} tz={zone(c)} />);
  });

  app.get('/notifications/items', async (c) => {
    const caller = c.get('caller');
    const cursor = c.req.query('cursor');
    const p = await listNotifications(sql, caller, { limit: PANEL_SIZE, cursor: cursor?.slice(0, 200) });
    return fragment(c, <NotificationItems items={p.data} nextCursor={p.nextCursor} base={adminBase(caller.tenantSlug)} tz={zone(c)} />);
  });

  app.post('/notifications/read-all', async (c) => {
    const caller = c.get('caller');
    const { seq } = await change(sql, caller.tenantId, (tx) => markAllRead(tx, caller));
    const p = await listNotifications(sql, caller, { limit: PANEL_SIZE });
    return fragment(c, <>
      <BellPanel items={p.data} nextCursor={p.nextCursor} unread={0} base={adminBase(caller.tenantSlug)} tz={zone(c)} />
      <BellCount unread={p.unreadCount} seq={seq} oob />
    </>);
  });

  app.post('/notifications/:id/read', async (c) => {
    const caller = c.get('caller');
    const { seq, data } = await change(sql, caller.tenantId, async (tx) => {
      const n = await markRead(tx, caller, idOf(c));
      const [row] = await tx`select notification_unread(${caller.adminId}) as unread`;
      return { n, unread: row.unread as number };
    });
    return fragment(c, <>
      <NotificationItem n={data.n} base={adminBase(caller.tenantSlug)} tz={zone(c)} />
      <BellCount unread={data.unread} seq={seq} oob />
    </>);
  });

  app.post('/notifications/:id/delete', async (c) => {
    const caller = c.get('caller');
    const { seq, data } = await change(sql, caller.tenantId, async (tx) => {
      await deleteNotification(tx, caller, idOf(c));
      const [row] = await tx`select notification_unread(${caller.adminId}) as unread`;
      return row.unread as number;
    });
    return fragment(c, <BellCount unread={data} seq={seq} oob />);
  });

  // Everything, newest first, and the preferences form.
  app.get('/notifications', async (c) => {
    const caller = c.get('caller');
    const { seq, data } = await snapshot(sql, caller.tenantId, async (tx) => ({
      page: await listNotifications(tx, caller, { limit: 50 }),
      prefs: await preferencesOf(tx, caller),
    }));
    return page(c, <NotificationsPage meta={meta(c, seq)} items={data.page.data} nextCursor={data.page.nextCursor} prefs={data.prefs} />);
  });

  app.post('/notifications/preferences', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const role = caller.role === 'owner' ? 'owner' : 'staff';
    const parsed = await preferencesForm(c);
    if (!parsed.success) {
      // What was ticked and typed stays on the form, with the message beside it; nothing is saved.
      const form = await c.req.formData();
      const kinds = form.getAll('kinds').map(String).filter((k): k is NotificationKind => (NOTIFICATION_KINDS as readonly string[]).includes(k));
      const prefs = { kinds, sound: form.get('sound') === 'on', redemptionThreshold: String(form.get('redemptionThreshold') ?? '').slice(0, 20) };
      const error = parsed.error.issues[0]?.message ?? 'Check the threshold.';
      return fragment(c, <PreferencesForm prefs={prefs} role={role} base={base} error={error} />, 422);
    }
    const prefs = await savePreferences(sql, caller, parsed.data);
    return fragment(c, <PreferencesForm prefs={prefs} role={role} base={base} saved />);
  });

  return app;
}
