import type { Notification, Preferences } from '../src/notifications/schemas.ts';
import { NotificationItems, PreferencesForm } from './notifications.tsx';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';

/** Notifications: every one of this admin's, newest first, and what notifies them. */
export function NotificationsPage(p: { meta: PageMeta; items: Notification[]; nextCursor: string | null; prefs: Preferences }) {
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title="Notifications" active="notifications">
      <div class="split">
        <section aria-labelledby="all-notifications">
          <h2 id="all-notifications">All notifications</h2>
          {p.items.length
            ? <ul class="notif-list card"><NotificationItems items={p.items} nextCursor={p.nextCursor} base={base} tz={p.meta.tz} /></ul>
            : <p class="muted">Nothing yet.</p>}
        </section>
        <section aria-labelledby="prefs">
          <h2 id="prefs">Preferences</h2>
          <PreferencesForm prefs={p.prefs} role={p.meta.role} base={base} />
        </section>
      </div>
    </Layout>
  );
}
