import { when } from './shell/format.ts';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';

export type KeyView = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

export function KeyRow(p: { k: KeyView; base: string }) {
  const { k } = p;
  return (
    <tr id={`key-${k.id}`}>
      <th scope="row">{k.name}</th>
      <td class="mono">{k.prefix}…</td>
      <td><time datetime={k.createdAt}>{when(k.createdAt)}</time></td>
      <td>{k.lastUsedAt ? <time datetime={k.lastUsedAt}>{when(k.lastUsedAt)}</time> : 'never'}</td>
      <td>
        {k.revokedAt ? <span class="tag">revoked {when(k.revokedAt)}</span> : (
          <button type="button" class="btn link danger" hx-post={`${p.base}/keys/${k.id}/revoke`}
            hx-confirm={`Revoke key "${k.name}"? Terminals using it stop working at once.`}
            hx-target="closest tr" hx-swap="outerHTML">Revoke</button>
        )}
      </td>
    </tr>
  );
}

/** Shown once, right after creation: the key itself is never stored, so it cannot be shown again. */
export function NewKey(p: { apiKey: string; name: string }) {
  return (
    <div id="new-key" class="card notice" role="status">
      <p><strong>New key "{p.name}".</strong> Copy it now: it will not be shown again.</p>
      <label for="new-key-value">API key</label>
      <input id="new-key-value" class="mono" readonly value={p.apiKey} data-select-on-focus />
    </div>
  );
}

export function KeyForm(p: { base: string; error?: string; name?: string }) {
  return (
    <form id="key-form" class="card stack" hx-post={`${p.base}/keys`} hx-target="#key-area" hx-swap="innerHTML">
      <h2>Create a key</h2>
      <label for="key-name">Name (where it is used, e.g. "Till 1")</label>
      <input id="key-name" name="name" required maxlength={100} autocomplete="off" value={p.name ?? ''}
        aria-invalid={p.error ? 'true' : undefined} aria-describedby="key-name-error" />
      {p.error ? <p id="key-name-error" class="field-error" role="alert">{p.error}</p> : null}
      <button type="submit" class="btn">Create key</button>
    </form>
  );
}

export function KeyTable(p: { keys: KeyView[]; base: string; oob?: boolean }) {
  return (
    <table id="key-table" class="grid" hx-swap-oob={p.oob ? 'true' : undefined}>
      <caption class="sr-only">API keys</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th></tr></thead>
      <tbody>{p.keys.map((k) => <KeyRow k={k} base={p.base} />)}</tbody>
    </table>
  );
}

export function KeysPage(p: { meta: PageMeta; keys: KeyView[] }) {
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title="API keys" active="keys">
      <p class="muted">POS terminals and integrations use these keys. Each key acts for this restaurant only.</p>
      <div id="key-area"><KeyForm base={base} /></div>
      <KeyTable keys={p.keys} base={base} />
    </Layout>
  );
}
