import { KIND_LABELS, NOTIFICATION_KINDS, OWNER_ONLY_KINDS, type Notification, type Preferences } from '../src/notifications/schemas.ts';
import { when } from './shell/format.ts';

// The notification centre's fragments: the header bell (on every page), its panel, one item, and the
// preferences form. Every live value carries data-seq (the event it reflects) so the page script can
// refuse an older count over a newer one.

export type BellState = { unread: number; seq: number; sound: boolean };

const countText = (n: number) => (n > 99 ? '99+' : String(n));

/** The unread badge; `oob` for a stream fragment or an action's answer. */
export function BellCount(p: { unread: number; seq: number; oob?: boolean }) {
  return (
    <span id="bell-count" class="bell-count" data-seq={String(p.seq)} data-unread={String(p.unread)}
      hidden={p.unread === 0} hx-swap-oob={p.oob ? 'outerHTML' : undefined}>
      {countText(p.unread)}<span class="sr-only"> unread</span>
    </span>
  );
}

/** The bell: a <details> (works without script) whose panel is fetched each time it opens. */
export function Bell(p: { base: string; bell: BellState }) {
  return (
    <details id="bell" class="bell" data-sound={p.bell.sound ? 'on' : 'off'}
      hx-get={`${p.base}/notifications/panel`} hx-trigger="toggle" hx-target="#bell-panel" hx-swap="innerHTML">
      <summary class="bell-button" aria-label="Notifications" title="Notifications">
        <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22"><path fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" /></svg>
        <BellCount unread={p.bell.unread} seq={p.bell.seq} />
      </summary>
      <div id="bell-panel" class="bell-panel" role="region" aria-label="Notifications">
        <p class="muted">Loading…</p>
      </div>
    </details>
  );
}

export function NotificationItem(p: { n: Notification; base: string; tz: string }) {
  const { n } = p;
  const at = `${p.base}/notifications/${n.id}`;
  return (
    <li id={`notif-${n.id}`} class={`notif ${n.readAt ? 'read' : 'unread'}`} data-kind={n.kind}>
      <div class="notif-text">
        {n.link ? <a href={n.link} class="notif-title">{n.title}</a> : <strong class="notif-title">{n.title}</strong>}
        {n.body ? <span class="notif-body">{n.body}</span> : null}
        <time datetime={n.createdAt} class="muted">{when(n.createdAt, p.tz)}</time>
      </div>
      <div class="notif-actions">
        {n.readAt ? null : (
          <button type="button" class="btn secondary small" hx-post={`${at}/read`} hx-target="closest li" hx-swap="outerHTML"
            aria-label={`Mark read: ${n.title}`}>Read</button>
        )}
        <button type="button" class="btn link danger small" hx-post={`${at}/delete`} hx-target="closest li" hx-swap="outerHTML"
          aria-label={`Delete: ${n.title}`}>Delete</button>
      </div>
    </li>
  );
}

/** The page of items after `cursor` (a "More" button fetches the next and replaces itself). */
export function NotificationItems(p: { items: Notification[]; nextCursor: string | null; base: string; tz: string }) {
  return (
    <>
      {p.items.map((n) => <NotificationItem n={n} base={p.base} tz={p.tz} />)}
      {p.nextCursor ? (
        <li class="notif-more">
          <button type="button" class="btn secondary" hx-get={`${p.base}/notifications/items?cursor=${encodeURIComponent(p.nextCursor)}`}
            hx-target="closest li" hx-swap="outerHTML">Older</button>
        </li>
      ) : null}
    </>
  );
}

export function BellPanel(p: { items: Notification[]; nextCursor: string | null; unread: number; base: string; tz: string }) {
  return (
    <div class="bell-inner">
      <div class="bell-head">
        <h2>Notifications</h2>
        <button type="button" class="btn secondary small" hx-post={`${p.base}/notifications/read-all`} hx-target="#bell-panel"
          hx-swap="innerHTML" disabled={p.unread === 0}>Mark all read</button>
      </div>
      {p.items.length ? (
        <ul id="bell-list" class="notif-list">
          <NotificationItems items={p.items} nextCursor={p.nextCursor} base={p.base} tz={p.tz} />
        </ul>
      ) : <p class="muted empty">Nothing yet. New online orders and anything else you choose to hear about appear here.</p>}
      <a class="bell-prefs" href={`${p.base}/notifications`}>Choose what notifies you</a>
    </div>
  );
}

export function PreferencesForm(p: { prefs: Omit<Preferences, 'redemptionThreshold'> & { redemptionThreshold: number | string }; role: 'owner' | 'staff'; base: string; saved?: boolean; error?: string }) {
  const kinds = NOTIFICATION_KINDS.filter((k) => !OWNER_ONLY_KINDS.includes(k) || p.role === 'owner');
  return (
    <form id="notification-prefs" class="card stack" hx-post={`${p.base}/notifications/preferences`} hx-target="this"
      hx-swap="outerHTML">
      <fieldset>
        <legend>Notify me of</legend>
        {kinds.map((k) => (
          <label class="check">
            <input type="checkbox" name="kinds" value={k} checked={p.prefs.kinds.includes(k)} /> {KIND_LABELS[k]}
          </label>
        ))}
      </fieldset>
      <label>
        Redemption threshold (points)
        <input type="number" name="redemptionThreshold" min="1" max="1000000000" required value={String(p.prefs.redemptionThreshold)}
          aria-invalid={p.error ? 'true' : undefined} aria-describedby={p.error ? 'threshold-error' : undefined} />
      </label>
      {p.error ? <p id="threshold-error" class="field-error" role="alert">{p.error}</p> : null}
      <label class="check">
        <input type="checkbox" name="sound" value="on" checked={p.prefs.sound} /> Play a sound when a notification arrives
      </label>
      <div class="row">
        <button type="submit" class="btn">Save preferences</button>
        {p.saved ? <span role="status" class="saved">Saved.</span> : null}
      </div>
    </form>
  );
}
