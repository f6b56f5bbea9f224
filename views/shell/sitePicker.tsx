/** A site as the header picker lists it. */
export type SiteChoice = { id: string; name: string; code: string; archived: boolean };

/**
 * The header's location picker. Picking posts the choice (remembered per admin); with htmx the change
 * itself submits and the page reloads, so every figure on it is re-read for the new site, and without
 * script the Switch button does the same through a plain form post and redirect. A tenant without
 * locations has no picker; an admin limited to one site sees that site, not a choice.
 */
export function SitePicker(p: { base: string; csrf: string; path: string; sites: SiteChoice[]; siteId: string | null; locked: boolean }) {
  if (!p.sites.length) return null;
  if (p.locked) {
    const site = p.sites.find((s) => s.id === p.siteId);
    return (
      <div class="site-picker" title="You are limited to this location">
        <span class="site-label">Location</span> <strong data-site={p.siteId ?? ''}>{site?.name ?? 'Your location'}</strong>
      </div>
    );
  }
  return (
    <form method="post" action={`${p.base}/location`} class="site-picker"
      hx-post={`${p.base}/location`} hx-trigger="change" hx-swap="none">
      <input type="hidden" name="_csrf" value={p.csrf} />
      <input type="hidden" name="return" value={p.path} />
      <label for="site-picker" class="site-label">Location</label>
      <select id="site-picker" name="locationId">
        <option value="all" selected={!p.siteId}>All locations</option>
        {p.sites.map((s) => (
          <option value={s.id} selected={s.id === p.siteId} disabled={s.archived}>
            {s.name}{s.archived ? ' (archived)' : ''}
          </option>
        ))}
      </select>
      <noscript><button type="submit" class="btn secondary">Switch</button></noscript>
    </form>
  );
}
