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

/** "14:05:09" today, "3 Mar 14:05" otherwise; always UTC on the server, labelled by the <time> element. */
export function when(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const sameDay = d.toISOString().slice(0, 10) === now.toISOString().slice(0, 10);
  const hms = d.toISOString().slice(11, 19);
  if (sameDay) return hms;
  return `${d.getUTCDate()} ${d.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' })} ${hms.slice(0, 5)}`;
}
