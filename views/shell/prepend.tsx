import type { Child } from 'hono/jsx';

/**
 * Insert at the top of the element with this id (a ledger, a feed, a list body). An htmx 4 partial,
 * not an hx-swap-oob element, because table rows only parse inside a <template> (which is what
 * <hx-partial> becomes): a bare <tbody> after a <div> in the same response is dropped by the HTML parser.
 * The inserted element carries data-seq so the page can refuse to insert the same event twice.
 */
export function Prepend(p: { target: string; children: Child }) {
  return <hx-partial hx-target={`#${p.target}`} hx-swap="afterbegin">{p.children}</hx-partial>;
}
