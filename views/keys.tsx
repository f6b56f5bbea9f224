import { when } from './shell/format.ts';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';

export type KeyView = {
  id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null;
  locationId: string | null; locationCode: string | null; locationName: string | null;
};

/** A site a new key may be bound to. */
export type SiteOption = { id: string; name: string; code: string };

export function KeyRow(p: { tz: string; k: KeyView; base: string }) {
  const { k } = p;
  return (
    <tr id={`key-${k.id}`} data-location={k.locationId ?? ''}>
      <th scope="row">{k.name}</th>
      <td class="mono">{k.prefix}…</td>
      <td>{k.locationCode ? <span class="tag" title={k.locationName ?? ''}>{k.locationCode}</span> : <span class="muted">whole group</span>}</td>
      <td><time datetime={k.createdAt}>{when(k.createdAt, p.tz)}</time></td>
      <td>{k.lastUsedAt ? <time datetime={k.lastUsedAt}>{when(k.lastUsedAt, p.tz)}</time> : 'never'}</td>
      <td>
        {k.revokedAt ? <span class="tag">revoked {when(k.revokedAt, p.tz)}</span> : (
          <button type="button" class="btn link danger" hx-post={`${p.base}/keys/${k.id}/revoke`}
            hx-confirm={`Revoke key "${k.name}"? Terminals using it stop working at once.`}
            hx-target="closest tr" hx-swap="outerHTML">Revoke</button>
        )}
      </td>
    </tr>
  );
}

/** Shown once, right after creation: the key itself is never stored, so it cannot be shown again. */
export function NewKey(p: { apiKey: string; name: string; site?: SiteOption }) {
  return (
    <div id="new-key" class="card notice" role="status">
      <p>
        <strong>New key "{p.name}"</strong>{p.site ? <> for {p.site.name} ({p.site.code})</> : null}.
        Copy it now: it will not be shown again.
      </p>
      <label for="new-key-value">API key</label>
      <input id="new-key-value" class="mono" readonly value={p.apiKey} data-select-on-focus />
    </div>
  );
}

/**
 * The new-key form. With sites, a till's key is bound to one: its writes happen there, and it sees that
 * site's orders only. A group without sites sees the form as before.
 */
export function KeyForm(p: { base: string; sites: SiteOption[]; values?: Record<string, string>; errors?: Record<string, string> }) {
  const v = p.values ?? {};
  const e = p.errors ?? {};
  const nameError = e.name ?? e.form;
  return (
    <form id="key-form" class="card stack" hx-post={`${p.base}/keys`} hx-target="#key-area" hx-swap="innerHTML">
      <h2>Create a key</h2>
      <label for="key-name">Name (where it is used, e.g. "Till 1")</label>
      <input id="key-name" name="name" required maxlength={100} autocomplete="off" value={v.name ?? ''}
        aria-invalid={nameError ? 'true' : undefined} aria-describedby="key-name-error" />
      {nameError ? <p id="key-name-error" class="field-error" role="alert">{nameError}</p> : null}
      {p.sites.length ? <>
        <label for="key-location">Location</label>
        <select id="key-location" name="locationId" aria-invalid={e.locationId ? 'true' : undefined} aria-describedby="key-location-hint key-location-error">
          <option value="">Whole group (an integration)</option>
          {p.sites.map((s) => <option value={s.id} selected={v.locationId === s.id}>{s.name} ({s.code})</option>)}
        </select>
        <small id="key-location-hint" class="muted">A till's key is bound to its site: what it does is recorded there, and it sees that site's orders only.</small>
        {e.locationId ? <p id="key-location-error" class="field-error" role="alert">{e.locationId}</p> : null}
      </> : null}
      <button type="submit" class="btn">Create key</button>
    </form>
  );
}

export function KeyTable(p: { tz: string; keys: KeyView[]; base: string; oob?: boolean }) {
  return (
    <table id="key-table" class="grid" hx-swap-oob={p.oob ? 'true' : undefined}>
      <caption class="sr-only">API keys</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Location</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th></tr></thead>
      <tbody>{p.keys.map((k) => <KeyRow tz={p.tz} k={k} base={p.base} />)}</tbody>
    </table>
  );
}

export function KeysPage(p: { meta: PageMeta; keys: KeyView[]; sites: SiteOption[] }) {
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title="API keys" active="keys">
      <p class="muted">POS terminals and integrations use these keys. Each key acts for this restaurant only.</p>
      <div id="key-area"><KeyForm base={base} sites={p.sites} /></div>
      <KeyTable tz={p.meta.tz} keys={p.keys} base={base} />
    </Layout>
  );
}
