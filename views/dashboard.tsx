import { count, money } from './shell/format.ts';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';

/** One day of the reports domain's dailyRange: the same days GET /api/v1/reports/daily/range serves. */
export type Day = {
  date: string;
  orders: number;
  ordersCompleted: number;
  /** Placed that day and since cancelled: in `orders`, never in revenue, so the page counts them apart. */
  ordersCancelled: number;
  revenueCents: number;
  pointsEarned: number;
  pointsRedeemed: number;
  giftCardsSoldCents: number;
  giftCardsRedeemedCents: number;
  /** The group's days (a tenant with locations, "All locations" picked): each site's share of the day. */
  locations?: SiteDay[];
};

/** One site's share of a group day; `locationId` null: writes that recorded no location. */
export type SiteDay = {
  locationId: string | null;
  name: string | null;
  orders: number;
  ordersCancelled: number;
  revenueCents: number;
  pointsEarned: number;
  pointsRedeemed: number;
};

/** Whose figures the dashboard shows, and the zone its "today" is in. */
export type DashboardScope = { hasLocations: boolean; locationId: string | null; locationName: string | null; tz: string };

/** "Saturday 13 June": the day is already local (a date with no time), so it is read as UTC. */
function longDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return d.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
}

const W = 640;
const H = 220;
const PAD = { l: 44, r: 8, t: 12, b: 28 };

/** Points earned and redeemed per day as grouped bars: server-rendered SVG, no chart library. */
export function PointsChart(p: { days: Day[] }) {
  const days = p.days;
  const max = Math.max(10, ...days.map((d) => Math.max(d.pointsEarned, d.pointsRedeemed)));
  const plotW = W - PAD.l - PAD.r;
  const plotH = H - PAD.t - PAD.b;
  const slot = plotW / Math.max(1, days.length);
  const bar = Math.max(2, slot / 2 - 3);
  const y = (v: number) => PAD.t + plotH - (v / max) * plotH;
  const ticks = [0, 0.5, 1].map((f) => Math.round(max * f));
  const summary = days.map((d) => `${d.date}: earned ${d.pointsEarned}, redeemed ${d.pointsRedeemed}`).join('; ');
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMidYMid meet">
        <title id="chart-title">Points earned and redeemed per day, last {days.length} days</title>
        <desc id="chart-desc">{summary}</desc>
        {ticks.map((t) => (
          <g>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(t)} y2={y(t)} class="grid-line" />
            <text x={PAD.l - 6} y={y(t) + 4} text-anchor="end" class="axis">{count(t)}</text>
          </g>
        ))}
        {days.map((d, i) => {
          const x = PAD.l + i * slot + slot / 2;
          return (
            <g>
              <rect x={x - bar - 1} y={y(d.pointsEarned)} width={bar} height={Math.max(0, y(0) - y(d.pointsEarned))} class="bar-earned">
                <title>{d.date}: {count(d.pointsEarned)} earned</title>
              </rect>
              <rect x={x + 1} y={y(d.pointsRedeemed)} width={bar} height={Math.max(0, y(0) - y(d.pointsRedeemed))} class="bar-redeemed">
                <title>{d.date}: {count(d.pointsRedeemed)} redeemed</title>
              </rect>
              {i % 2 === (days.length - 1) % 2 ? (
                <text x={x} y={H - 8} text-anchor="middle" class="axis">{d.date.slice(8)}</text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span class="key earned"></span> Earned <span class="key redeemed"></span> Redeemed
      </figcaption>
    </figure>
  );
}

/** Today's share of each site, for "All locations": the rows sum to the figures above them. */
function SiteTable(p: { rows: SiteDay[]; currency: string }) {
  return (
    <table class="grid sites-today" aria-label="Today by location">
      <thead>
        <tr><th scope="col">Location</th><th scope="col" class="right">Orders</th><th scope="col" class="right">Revenue</th>
          <th scope="col" class="right">Points earned</th><th scope="col" class="right">Points redeemed</th></tr>
      </thead>
      <tbody>
        {p.rows.map((r) => (
          <tr data-location={r.locationId ?? ''}>
            <th scope="row">{r.locationId ? r.name : <span class="muted">No location</span>}</th>
            <td class="right">{count(r.orders - r.ordersCancelled)}</td>
            <td class="right">{money(r.revenueCents, p.currency)}</td>
            <td class="right">{count(r.pointsEarned)}</td>
            <td class="right">{count(r.pointsRedeemed)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Today's figures and the chart: one fragment, re-fetched (throttled) when any event arrives. */
export function DashboardBody(p: { base: string; days: Day[]; customersToday: number; currency: string; seq: number; scope: DashboardScope }) {
  const today = p.days.at(-1) ?? {
    date: '', orders: 0, ordersCompleted: 0, ordersCancelled: 0, revenueCents: 0, pointsEarned: 0, pointsRedeemed: 0,
    giftCardsSoldCents: 0, giftCardsRedeemedCents: 0,
  };
  const { scope } = p;
  const where = scope.locationId ? scope.locationName : 'All locations';
  return (
    <div id="dashboard" hx-get={`${p.base}/dashboard/body`} hx-trigger="ts:event from:body throttle:1s"
      hx-swap="outerMorph" data-seq={String(p.seq)} data-location={scope.locationId ?? ''} data-today={today.date}>
      {/* "Today" is local: the site's zone, else the tenant's (settings), so the page says which. */}
      {scope.hasLocations
        ? <p class="scope"><strong>{where}</strong> · today is {longDay(today.date)} <span class="muted">({scope.tz})</span></p>
        : <p class="today">Today is {longDay(today.date)} <span class="muted">({scope.tz})</span></p>}
      <ul class="figures" aria-label="Today">
        {/* The orders revenue counts: a cancelled order is neither, and is shown as cancelled beside them. */}
        <li data-figure="orders"><span class="muted">Orders today</span><strong>{count(today.orders - today.ordersCancelled)}</strong>
          {today.ordersCancelled ? <small class="muted">{count(today.ordersCancelled)} cancelled</small> : null}</li>
        <li data-figure="revenue"><span class="muted">Revenue today</span><strong>{money(today.revenueCents, p.currency)}</strong></li>
        <li><span class="muted">Points earned</span><strong>{count(today.pointsEarned)}</strong></li>
        <li><span class="muted">Points redeemed</span><strong>{count(today.pointsRedeemed)}</strong></li>
        {/* Customers are the group's, wherever they enrolled: said so when one site is shown. */}
        <li><span class="muted">{scope.locationId ? 'New customers (group)' : 'New customers'}</span><strong>{count(p.customersToday)}</strong></li>
        <li><span class="muted">Gift cards sold</span><strong>{money(today.giftCardsSoldCents, p.currency)}</strong></li>
      </ul>
      {today.locations?.length ? <SiteTable rows={today.locations} currency={p.currency} /> : null}
      <PointsChart days={p.days} />
    </div>
  );
}

export function DashboardPage(p: { meta: PageMeta; days: Day[]; customersToday: number; currency: string; scope: DashboardScope }) {
  return (
    <Layout meta={p.meta} title="Dashboard" active="dashboard">
      <DashboardBody base={adminBase(p.meta.tenantSlug)} days={p.days} customersToday={p.customersToday}
        currency={p.currency} seq={p.meta.seq} scope={p.scope} />
    </Layout>
  );
}
