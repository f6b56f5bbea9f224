import { when } from './shell/format.ts';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';

export type ActivityView = { id: number; type: string; text: string; actor: string; createdAt: string };

export const ACTIVITY_TYPES = [
  'loyalty_updated', 'customer_created', 'new_order', 'order_updated',
  'gift_card_purchased', 'gift_card_redeemed', 'gift_card_updated', 'reconciliation_resolved', 'settings_updated',
];

/** The feed body a live event is prepended to: one id per filter, so a filtered feed only grows by its type. */
export const feedId = (type: string | null) => `feed-${type ?? 'all'}`;

export function ActivityRow(p: { tz: string; a: ActivityView; fresh?: boolean; seq?: number }) {
  const { a } = p;
  return (
    <tr id={`ev-${a.id}`} class={p.fresh ? 'flash' : undefined} data-seq={p.seq === undefined ? undefined : String(p.seq)}>
      <td class="mono right">{a.id}</td>
      <td><time datetime={a.createdAt}>{when(a.createdAt, p.tz)}</time></td>
      <td><span class={`tag e-${a.type}`}>{a.type.replace(/_/g, ' ')}</span></td>
      <td class="prose">{a.text}</td>
      <td>{a.actor}</td>
    </tr>
  );
}

export function ActivityMore(p: { href: string }) {
  return (
    <tr class="more"><td colspan={5}>
      <button type="button" class="btn secondary" hx-get={p.href} hx-target="closest tr" hx-swap="outerHTML">Older events</button>
    </td></tr>
  );
}

export function ActivityRows(p: { tz: string; rows: ActivityView[]; moreHref: string | null }) {
  return (
    <>
      {p.rows.map((a) => <ActivityRow tz={p.tz} a={a} />)}
      {p.moreHref ? <ActivityMore href={p.moreHref} /> : null}
    </>
  );
}

export function ActivityPage(p: { meta: PageMeta; type: string | null; rows: ActivityView[]; moreHref: string | null }) {
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title="Activity" active="activity">
      <form class="filters" method="get" action={`${base}/activity`}>
        <label for="type">Show</label>
        <select id="type" name="type" data-autosubmit>
          <option value="" selected={!p.type}>Every event</option>
          {ACTIVITY_TYPES.map((t) => <option value={t} selected={p.type === t}>{t.replace(/_/g, ' ')}</option>)}
        </select>
        <noscript><button class="btn secondary" type="submit">Filter</button></noscript>
      </form>
      <table class="grid">
        <caption class="sr-only">Every change, newest first, with who made it</caption>
        <thead><tr><th scope="col" class="right">#</th><th scope="col">When</th><th scope="col">Type</th>
          <th scope="col">What</th><th scope="col">Who</th></tr></thead>
        <tbody id={feedId(p.type)} data-seq={String(p.meta.seq)}>
          <ActivityRows tz={p.meta.tz} rows={p.rows} moreHref={p.moreHref} />
        </tbody>
      </table>
      {p.rows.length === 0 ? <p class="empty">Nothing has happened yet.</p> : null}
    </Layout>
  );
}
