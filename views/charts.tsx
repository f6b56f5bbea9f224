import { count } from './shell/format.ts';

// Bar charts drawn on the server as SVG (no chart library, no script): one per figure of the dashboard's
// range. Each is an image to assistive technology (role="img", <title> with its dates, <desc> with every
// figure) and the page carries the same figures as a table. Text is sized by the stylesheet in the SVG's
// own units (admin.css .chart): a phone draws the chart at about half its width, so its text is set twice
// as large there and shows half the date labels (about three across, six on a wider screen, whatever the range).

export type Series = { label: string; cls: string; values: number[] };

const W = 640;
const H = 300;
const PAD = { l: 88, r: 16, t: 44, b: 72 };
const LABELS = 6;

/** "3 Jun": the day is already local (a date with no time), so it is read as UTC. */
export function shortDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** "3 Jun 2026 – 16 Jun 2026": the dates a chart covers, said in its title. */
export function spanText(from: string, to: string): string {
  const long = (date: string) => new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  return from === to ? long(from) : `${long(from)} – ${long(to)}`;
}

/** 1, 2 or 5 × 10ⁿ at or above `n`: gridlines at round figures. */
function niceCeiling(n: number): number {
  const step = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * step).find((v) => v >= n) ?? n;
}

/** Axis figures short enough for a phone ("1.2K", "£350"); the exact ones are in <desc> and the table. */
export function compact(n: number, currency?: string): string {
  const style = currency ? { style: 'currency' as const, currency } : {};
  try {
    return new Intl.NumberFormat('en-GB', { ...style, notation: 'compact', maximumFractionDigits: 1 }).format(currency ? n / 100 : n);
  } catch {
    return count(currency ? n / 100 : n);
  }
}

export function BarChart(p: {
  id: string; title: string; from: string; to: string; dates: string[]; series: Series[];
  yLabel: string; format: (n: number) => string; tick: (n: number) => string;
  /** The top of the scale when every value is below it: a quiet range draws 0–10 orders, not 0–1 with 0.5. */
  least?: number;
}) {
  const { dates, series } = p;
  const max = niceCeiling(Math.max(p.least ?? 10, ...series.flatMap((s) => s.values)));
  const plotW = W - PAD.l - PAD.r;
  const plotH = H - PAD.t - PAD.b;
  const slot = plotW / Math.max(1, dates.length);
  const gap = slot > 6 ? 1 : 0;
  const bar = Math.max(0.5, (slot * 0.8) / series.length - gap);
  const y = (v: number) => PAD.t + plotH - (v / max) * plotH;
  const every = Math.max(1, Math.ceil(dates.length / LABELS));
  const title = `${p.title}, ${spanText(p.from, p.to)}`;
  const desc = dates.map((d, i) => `${d}: ${series.map((s) => `${s.label} ${p.format(s.values[i] ?? 0)}`).join(', ')}`).join('; ');
  return (
    <figure class="chart" id={p.id} data-from={p.from} data-to={p.to} data-days={String(dates.length)}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${p.id}-title ${p.id}-desc`} preserveAspectRatio="xMidYMid meet">
        <title id={`${p.id}-title`}>{title}</title>
        <desc id={`${p.id}-desc`}>{desc}</desc>
        <text x={PAD.l} y={PAD.t - 16} class="axis axis-title">{p.yLabel}</text>
        {[0, 0.5, 1].map((f) => (
          <g>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(max * f)} y2={y(max * f)} class="grid-line" />
            <text x={PAD.l - 8} y={y(max * f)} dy="0.35em" text-anchor="end" class="axis">{p.tick(max * f)}</text>
          </g>
        ))}
        {dates.map((d, i) => {
          const x0 = PAD.l + i * slot + slot * 0.1;
          // The last day is always labelled; the others every `every` days back from it, and on a phone
          // (larger text) every other one of those: `minor` labels are hidden there (admin.css).
          const back = dates.length - 1 - i;
          const labelled = back % every === 0;
          const minor = (back / every) % 2 === 1;
          // The last label ends at the plot's edge when its slot is narrower than the label: never clipped.
          const last = back === 0 && slot < 90;
          return (
            <g>
              {series.map((s, k) => {
                const v = s.values[i] ?? 0;
                return (
                  <rect x={x0 + k * (bar + gap)} y={y(v)} width={bar} height={Math.max(0, y(0) - y(v))} class={s.cls}>
                    <title>{shortDay(d)}: {s.label} {p.format(v)}</title>
                  </rect>
                );
              })}
              {labelled ? (
                <text x={last ? W - PAD.r : PAD.l + i * slot + slot / 2} y={H - PAD.b + 30} text-anchor={last ? 'end' : 'middle'}
                  class={minor ? 'axis minor' : 'axis'}>{shortDay(d)}</text>
              ) : null}
            </g>
          );
        })}
        <text x={PAD.l + plotW / 2} y={H - 8} text-anchor="middle" class="axis axis-title">Date</text>
      </svg>
      <figcaption>
        <strong>{p.title}</strong> <span class="muted">{spanText(p.from, p.to)}</span>
        {series.length > 1 ? series.map((s) => <span class="legend"><span class={`key ${s.cls}`}></span> {s.label}</span>) : null}
      </figcaption>
    </figure>
  );
}
