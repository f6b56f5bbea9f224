import { count } from '../shell/format.ts';

// The next points to expire on the customer page (sql/0016_points_expiry.sql decides which and when).

export type NextExpiryView = { points: number; expiresAt: string } | null;

/** "30 points on 12 Jan 2027"; a date already past is what the next maintenance pass takes. */
export function NextExpiry(p: { next: NextExpiryView }) {
  if (!p.next) return <span id="next-expiry" class="muted">None</span>;
  const d = new Date(p.next.expiresAt);
  const day = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  return (
    <span id="next-expiry">
      {count(p.next.points)} points on <time datetime={p.next.expiresAt}>{day}</time>
    </span>
  );
}
