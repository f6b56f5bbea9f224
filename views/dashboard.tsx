import { BarChart, compact, shortDay, spanText } from './charts.tsx';
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

/** Each site's share (today's, or the range's), for "All locations": the rows sum to the figures above them. */
function SiteTable(p: { rows: SiteDay[]; currency: string; label: string; cls: string }) {
  return (
    <table class={`grid ${p.cls}`}>
      <caption>{p.label}</caption>
      <thead>
        <tr><th scope="col">Location</th><th scope="col" class="right">Orders</th><th scope="col" class="right">Revenue</th>
          <th scope="col" class="right">Points earned</th><th scope="col" class="right">Points redeemed</th></tr>
      </thead>
      <tbody>
        {p.rows.map((r) => (
          // Today's rows are the ones keyed data-location; the range's use data-site, so one id names one row.
          <tr {...{ [p.cls === 'sites-today' ? 'data-location' : 'data-site']: r.locationId ?? '' }}>
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

/** The range picker's presets, counted back from today in the dashboard's zone. */
export function presets(today: string): { label: string; from: string; to: string }[] {
  const back = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
  return [
    { label: 'Last 7 days', from: back(6), to: today },
    { label: 'Last 30 days', from: back(29), to: today },
    { label: 'This month', from: `${today.slice(0, 8)}01`, to: today },
  ];
}

/** What the dashboard charts: the days asked for, or what was wrong with them (shown by the picker). */
export type DashboardRange = { from: string; to: string; error?: string };

/**
 * The date-range picker: a plain GET form (the range is in the address, so a reload or a shared link
 * shows the same charts) and preset links. Outside #dashboard, so a live refresh never morphs a date
 * being typed.
 */
export function RangePicker(p: { base: string; today: string; range: DashboardRange }) {
  const { range } = p;
  return (
    <form class="range-picker card" method="get" action={`${p.base}/dashboard`} aria-label="Date range">
      <div class="row wrap">
        <label>From <input type="date" name="from" value={range.from} max="9999-12-31" required
          aria-invalid={range.error ? 'true' : undefined} aria-describedby={range.error ? 'range-error' : undefined} /></label>
        <label>To <input type="date" name="to" value={range.to} max="9999-12-31" required
          aria-invalid={range.error ? 'true' : undefined} aria-describedby={range.error ? 'range-error' : undefined} /></label>
        <button class="btn" type="submit">Show</button>
      </div>
      {range.error ? <p id="range-error" class="field-error" role="alert">{range.error}</p> : null}
      <ul class="presets" aria-label="Presets">
        {presets(p.today).map((r) => (
          <li><a class="btn secondary" href={`${p.base}/dashboard?${new URLSearchParams({ from: r.from, to: r.to })}`}
            aria-current={!range.error && r.from === range.from && r.to === range.to ? 'true' : undefined}>{r.label}</a></li>
        ))}
      </ul>
    </form>
  );
}

const sum = (days: Day[], f: (d: Day) => number) => days.reduce((n, d) => n + f(d), 0);

/** The range's days summed per site (the group of a tenant with locations): the rows sum to the totals. */
function siteTotals(days: Day[]): SiteDay[] {
  const by = new Map<string, SiteDay>();
  for (const d of days) {
    for (const s of d.locations ?? []) {
      const key = s.locationId ?? '';
      const t = by.get(key) ?? { locationId: s.locationId, name: s.name, orders: 0, ordersCancelled: 0, revenueCents: 0, pointsEarned: 0, pointsRedeemed: 0 };
      by.set(key, { ...t, orders: t.orders + s.orders, ordersCancelled: t.ordersCancelled + s.ordersCancelled, revenueCents: t.revenueCents + s.revenueCents,
        pointsEarned: t.pointsEarned + s.pointsEarned, pointsRedeemed: t.pointsRedeemed + s.pointsRedeemed });
    }
  }
  return [...by.values()];
}

/** The range: its totals, a chart per figure, the same figures as a table, and the CSV download. */
function RangeReport(p: { base: string; days: Day[]; from: string; to: string; currency: string; grouped: boolean }) {
  const { days, currency } = p;
  const dates = days.map((d) => d.date);
  const m = (n: number) => money(n, currency);
  const tickMoney = (n: number) => compact(n, currency);
  const tickCount = (n: number) => compact(n);
  const sites = p.grouped ? siteTotals(days) : [];
  return (
    <section class="range" aria-labelledby="range-heading" data-from={p.from} data-to={p.to}>
      <h2 id="range-heading">{spanText(p.from, p.to)} <span class="muted">({count(days.length)} {days.length === 1 ? 'day' : 'days'})</span></h2>
      <ul class="totals" aria-label={`Totals, ${spanText(p.from, p.to)}`}>
        <li><span class="muted">Orders</span><strong>{count(sum(days, (d) => d.orders - d.ordersCancelled))}</strong></li>
        <li><span class="muted">Revenue</span><strong>{m(sum(days, (d) => d.revenueCents))}</strong></li>
        <li><span class="muted">Points earned</span><strong>{count(sum(days, (d) => d.pointsEarned))}</strong></li>
        <li><span class="muted">Points redeemed</span><strong>{count(sum(days, (d) => d.pointsRedeemed))}</strong></li>
        <li><span class="muted">Gift cards sold</span><strong>{m(sum(days, (d) => d.giftCardsSoldCents))}</strong></li>
        <li><span class="muted">Gift cards redeemed</span><strong>{m(sum(days, (d) => d.giftCardsRedeemedCents))}</strong></li>
      </ul>
      <div class="charts">
        <BarChart id="chart-orders" title="Orders per day" from={p.from} to={p.to} dates={dates} yLabel="Orders"
          series={[{ label: 'Orders', cls: 'bar-orders', values: days.map((d) => d.orders - d.ordersCancelled) }]} format={count} tick={tickCount} />
        <BarChart id="chart-revenue" title="Revenue per day" from={p.from} to={p.to} dates={dates} yLabel={`Revenue (${currency})`}
          series={[{ label: 'Revenue', cls: 'bar-revenue', values: days.map((d) => d.revenueCents) }]} format={m} tick={tickMoney} least={1000} />
        <BarChart id="chart-points" title="Points earned and redeemed per day" from={p.from} to={p.to} dates={dates} yLabel="Points"
          series={[{ label: 'Earned', cls: 'bar-earned', values: days.map((d) => d.pointsEarned) },
            { label: 'Redeemed', cls: 'bar-redeemed', values: days.map((d) => d.pointsRedeemed) }]} format={count} tick={tickCount} />
        <BarChart id="chart-gift-cards" title="Gift cards sold and redeemed per day" from={p.from} to={p.to} dates={dates}
          yLabel={`Gift cards (${currency})`}
          series={[{ label: 'Sold', cls: 'bar-sold', values: days.map((d) => d.giftCardsSoldCents) },
            { label: 'Redeemed', cls: 'bar-spent', values: days.map((d) => d.giftCardsRedeemedCents) }]} format={m} tick={tickMoney} least={1000} />
      </div>
      {sites.length ? <SiteTable rows={sites} currency={currency} label={`By location, ${spanText(p.from, p.to)}`} cls="sites-range" /> : null}
      <details class="figures-table">
        <summary class="btn secondary">The figures as a table</summary>
        <table class="grid" aria-label={`Figures per day, ${spanText(p.from, p.to)}`}>
          <thead>
            <tr><th scope="col">Date</th><th scope="col" class="right">Orders</th><th scope="col" class="right">Revenue</th>
              <th scope="col" class="right">Points earned</th><th scope="col" class="right">Points redeemed</th>
              <th scope="col" class="right">Gift cards sold</th><th scope="col" class="right">Gift cards redeemed</th></tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr>
                <th scope="row"><time datetime={d.date}>{shortDay(d.date)}</time></th>
                <td class="right">{count(d.orders - d.ordersCancelled)}</td><td class="right">{m(d.revenueCents)}</td>
                <td class="right">{count(d.pointsEarned)}</td><td class="right">{count(d.pointsRedeemed)}</td>
                <td class="right">{m(d.giftCardsSoldCents)}</td><td class="right">{m(d.giftCardsRedeemedCents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <p><a id="range-csv" class="btn secondary" href={`${p.base}/dashboard/report.csv?${new URLSearchParams({ from: p.from, to: p.to })}`} download>
        Download these figures (CSV)</a></p>
    </section>
  );
}

/**
 * Today's figures and the range's charts: one fragment, re-fetched (throttled) when any event arrives.
 * The refresh asks for the same range (in its URL), so live figures never reset the picked dates.
 */
export function DashboardBody(p: {
  base: string; today: Day; days: Day[]; range: DashboardRange; customersToday: number; currency: string; seq: number; scope: DashboardScope;
}) {
  const { scope, today, range } = p;
  const where = scope.locationId ? scope.locationName : 'All locations';
  const query = range.error ? '' : `?${new URLSearchParams({ from: range.from, to: range.to })}`;
  return (
    <div id="dashboard" hx-get={`${p.base}/dashboard/body${query}`} hx-trigger="ts:event from:body throttle:1s"
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
      {today.locations?.length ? <SiteTable rows={today.locations} currency={p.currency} label="Today by location" cls="sites-today" /> : null}
      {range.error ? null : (
        <RangeReport base={p.base} days={p.days} from={range.from} to={range.to} currency={p.currency} grouped={Boolean(today.locations)} />
      )}
    </div>
  );
}

export function DashboardPage(p: {
  meta: PageMeta; today: Day; days: Day[]; range: DashboardRange; customersToday: number; currency: string; scope: DashboardScope;
}) {
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title="Dashboard" active="dashboard">
      <RangePicker base={base} today={p.today.date} range={p.range} />
      <DashboardBody base={base} today={p.today} days={p.days} range={p.range} customersToday={p.customersToday}
        currency={p.currency} seq={p.meta.seq} scope={p.scope} />
    </Layout>
  );
}
