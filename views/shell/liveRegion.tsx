import type { Child } from 'hono/jsx';

// A live region is a piece of a page that an event says has changed but cannot redraw itself: the
// reward progress line and the POS reward buttons need the rewards menu, the next expiry needs the
// FIFO replay of the ledger. The admin stream's fragments are pure (src/admin/fragments.tsx), so the
// event sends a "tick" instead: an out-of-band element that replaces the hidden tick inside the region
// and, as it lands, asks the server for the region afresh. The region keeps showing its old content
// until the new one arrives (no flicker), and a page without the region ignores the tick.
//
// Never older over newer (admin.js): the tick carries the event id, so a replayed event the region
// already reflects is dropped; the region carries its snapshot's id (data-live-region), so of two
// overlapping re-reads the older answer is dropped rather than the whole page re-read.

export const tickId = (regionId: string) => `${regionId}-tick`;

/** The tick inside a region (inert), or the one an event sends (`href`: it re-reads the region on arrival). */
export function Tick(p: { region: string; seq: number; href?: string }) {
  if (!p.href) return <i id={tickId(p.region)} hidden data-seq={String(p.seq)}></i>;
  return (
    <i id={tickId(p.region)} hidden data-seq={String(p.seq)} hx-swap-oob="true"
      hx-get={p.href} hx-trigger="load" hx-target={`#${p.region}`} hx-swap="outerHTML"></i>
  );
}

/**
 * The region: `href` re-renders it whole. `on` names further page events (admin.js dispatches
 * `ts:<event type>` on the body) that also re-read it, e.g. a changed rewards menu.
 */
export function LiveRegion(p: {
  id: string; href: string; seq: number; on?: string[]; tag?: 'div' | 'section' | 'span';
  class?: string; label?: string; hidden?: boolean; attrs?: Record<string, string>; children?: Child;
}) {
  const Tag = p.tag ?? 'div';
  const trigger = p.on?.length ? p.on.map((t) => `ts:${t} from:body`).join(', ') : undefined;
  return (
    <Tag id={p.id} class={p.class} data-live-region="" data-seq={String(p.seq)} aria-label={p.label} hidden={p.hidden}
      hx-get={trigger ? p.href : undefined} hx-trigger={trigger} hx-swap={trigger ? 'outerHTML' : undefined} {...p.attrs}>
      {p.children}
      <Tick region={p.id} seq={p.seq} />
    </Tag>
  );
}
