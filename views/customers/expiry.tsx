import { count } from '../shell/format.ts';
import { LiveRegion } from '../shell/liveRegion.tsx';

// The next points to expire on the customer page (sql/0016_points_expiry.sql decides which and when).

export type NextExpiryView = { points: number; expiresAt: string } | null;

/** "30 points on 12 Jan 2027" (the day in the tenant's zone); a date already past is what the next maintenance pass takes. */
export function NextExpiry(p: { next: NextExpiryView; tz: string }) {
  if (!p.next) return <span id="next-expiry" class="muted">None</span>;
  const d = new Date(p.next.expiresAt);
  const day = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: p.tz });
  return (
    <span id="next-expiry">
      {count(p.next.points)} points on <time datetime={p.next.expiresAt}>{day}</time>
    </span>
  );
}

export const expiryRegionId = (customerId: string) => `expiry-${customerId}`;
export const expiryHref = (base: string, customerId: string) => `${base}/customers/${customerId}/expiry`;

/**
 * The next expiry, kept live: a loyalty_updated event for the customer (a spend, an earn, an expiry
 * pass) re-reads it, and so does a settings change (expiry switched off, or on for existing points).
 */
export function ExpiryRegion(p: { base: string; customerId: string; next: NextExpiryView; seq: number; tz: string }) {
  return (
    <LiveRegion tag="span" id={expiryRegionId(p.customerId)} href={expiryHref(p.base, p.customerId)} seq={p.seq} on={['settings_updated']}>
      <NextExpiry next={p.next} tz={p.tz} />
    </LiveRegion>
  );
}
