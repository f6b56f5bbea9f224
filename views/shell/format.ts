// How numbers, money and times read on the page. Pure; shared by pages and live fragments so a value
// looks the same whether it was rendered with the page or arrived over the stream.

const MINUS = '\u2212';

/** +75 / −75 (a real minus sign: screen readers say "minus", and it lines up with plus). */
export function signed(n: number): string {
  return n > 0 ? `+${n.toLocaleString('en-GB')}` : n < 0 ? `${MINUS}${(-n).toLocaleString('en-GB')}` : '0';
}

export function count(n: number): string {
  return n.toLocaleString('en-GB');
}

export function money(cents: number, currency = 'GBP'): string {
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

const parts = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone (building one is slow, and a page formats hundreds of times). */
function formatter(tz: string): Intl.DateTimeFormat {
  let f = parts.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz, year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
      hourCycle: 'h23',
    });
    parts.set(tz, f);
  }
  return f;
}

function local(d: Date, tz: string) {
  const p: Record<string, string> = {};
  for (const { type, value } of formatter(tz).formatToParts(d)) p[type] = value;
  return { day: `${p.year}-${p.month}-${p.day}`, date: `${p.day} ${p.month}`, hms: `${p.hour}:${p.minute}:${p.second}`, year: p.year };
}

/**
 * "14:05:09" when it is today in `tz`, "3 Mar 14:05" another day this year, "3 Mar 2025 14:05" another
 * year: the wall clock of the tenant's zone (settings `timezone`), the one every admin page and live
 * fragment passes, so a time reads the same whichever way it arrived. The <time> element around it
 * keeps the instant (ISO 8601). A zone Intl does not know falls back to UTC rather than failing a page.
 */
export function when(iso: string, tz: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  let zone = tz;
  try { formatter(zone); } catch { zone = 'UTC'; }
  const at = local(d, zone);
  const today = local(now, zone);
  if (at.day === today.day) return at.hms;
  const date = at.year === today.year ? at.date : `${at.date} ${at.year}`;
  return `${date} ${at.hms.slice(0, 5)}`;
}