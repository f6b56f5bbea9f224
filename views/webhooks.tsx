import type { FormState } from './shell/form.tsx';
import { FieldError } from './shell/form.tsx';
import { when } from './shell/format.ts';
import { Layout, adminBase, type PageMeta } from './shell/layout.tsx';

// Webhooks (owners): endpoints with their health, the form that registers one (its secret shown once),
// and one endpoint's delivery log with replay.

export type WebhookView = {
  id: string; url: string; types: string[] | null; locations: string[] | null; status: 'active' | 'paused' | 'disabled';
  cursor: string; attempts: number; failingSince: string | null; nextAttemptAt: string | null; disabledReason: string | null;
};
export type DeliveryView = {
  id: string; eventId: string; eventType: string; attempt: number; kind: string; status: string;
  responseCode: number | null; latencyMs: number; error: string | null; bodyExcerpt: string | null; createdAt: string;
};
export type SiteOption = { id: string; name: string; code: string };

function Health(p: { w: WebhookView }) {
  const { w } = p;
  if (w.status === 'disabled') return <span class="tag flag" title={w.disabledReason ?? ''}>disabled</span>;
  if (w.status === 'paused') return <span class="tag">paused</span>;
  if (w.attempts > 0) return <span class="tag flag" title={`Failing since ${w.failingSince}`}>retrying ({w.attempts} failed)</span>;
  return <span class="tag">active</span>;
}

export function WebhookRow(p: { w: WebhookView; base: string; sites: SiteOption[]; message?: string }) {
  const { w } = p;
  const where = w.locations?.map((id) => p.sites.find((s) => s.id === id)?.code ?? id).join(', ');
  const resume = w.status === 'active' ? 'paused' : 'active';
  return (
    <tr id={`webhook-${w.id}`}>
      <th scope="row"><a href={`${p.base}/webhooks/${w.id}`} class="mono">{w.url}</a></th>
      <td>{w.types ? w.types.join(', ') : <span class="muted">every type</span>}</td>
      <td>{where ?? <span class="muted">every site</span>}</td>
      <td><Health w={w} />{p.message ? <p class="ok" role="status">{p.message}</p> : null}</td>
      <td class="mono">{w.cursor}</td>
      <td>
        <button type="button" class="btn link" hx-post={`${p.base}/webhooks/${w.id}/status`} hx-vals={JSON.stringify({ status: resume })}
          hx-target="closest tr" hx-swap="outerHTML">{resume === 'active' ? (w.status === 'disabled' ? 'Re-enable' : 'Resume') : 'Pause'}</button>
        <button type="button" class="btn link danger" hx-post={`${p.base}/webhooks/${w.id}/delete`}
          hx-confirm={`Remove the webhook to ${w.url}? Its delivery log goes with it.`} hx-target="closest tr" hx-swap="outerHTML">Remove</button>
      </td>
    </tr>
  );
}

export function WebhookTable(p: { hooks: WebhookView[]; base: string; sites: SiteOption[]; oob?: boolean }) {
  return (
    <table id="webhook-table" class="grid" hx-swap-oob={p.oob ? 'true' : undefined}>
      <caption class="sr-only">Webhook endpoints</caption>
      <thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">Sites</th><th scope="col">Status</th><th scope="col">Done through event</th><th scope="col">Actions</th></tr></thead>
      <tbody>{p.hooks.map((w) => <WebhookRow w={w} base={p.base} sites={p.sites} />)}</tbody>
    </table>
  );
}

/** Shown once, after registering: the secret signs every delivery and is never shown again. */
export function NewSecret(p: { url: string; secret: string }) {
  return (
    <div id="new-secret" class="card notice" role="status">
      <p><strong>Webhook to {p.url} registered.</strong> Copy its signing secret now: it will not be shown again.</p>
      <label for="new-secret-value">Signing secret</label>
      <input id="new-secret-value" class="mono" readonly value={p.secret} data-select-on-focus />
    </div>
  );
}

export function WebhookForm(p: { base: string; sites: SiteOption[]; state?: FormState }) {
  const s = p.state ?? {};
  const v = s.values ?? {};
  const err = (name: string) => s.errors?.[name];
  return (
    <form id="webhook-form" class="card stack" hx-post={`${p.base}/webhooks`} hx-target="#webhook-area" hx-swap="innerHTML">
      <h2>Add a webhook</h2>
      <FieldError state={s} name="form" />
      <label for="webhook-url">URL (https://…)</label>
      <input id="webhook-url" name="url" type="url" required maxlength={2000} autocomplete="off" value={v.url ?? ''}
        aria-invalid={err('url') ? 'true' : undefined} aria-describedby="webhook-url-error" />
      <FieldError state={s} name="url" id="webhook-url-error" />
      <label for="webhook-types">Event types (comma-separated; blank: every type)</label>
      <input id="webhook-types" name="types" maxlength={2000} autocomplete="off" value={v.types ?? ''} placeholder="new_order, order_updated"
        aria-invalid={err('types') ? 'true' : undefined} aria-describedby="webhook-types-error" />
      <FieldError state={s} name="types" id="webhook-types-error" />
      {p.sites.length ? <>
        <label for="webhook-location">Orders of</label>
        <select id="webhook-location" name="locationId" aria-invalid={err('locations') ? 'true' : undefined} aria-describedby="webhook-location-error">
          <option value="">Every site</option>
          {p.sites.map((site) => <option value={site.id} selected={v.locationId === site.id}>{site.name} ({site.code})</option>)}
        </select>
        <FieldError state={s} name="locations" id="webhook-location-error" />
      </> : null}
      <button type="submit" class="btn">Add webhook</button>
    </form>
  );
}

export function WebhooksPage(p: { meta: PageMeta; hooks: WebhookView[]; sites: SiteOption[] }) {
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title="Webhooks" active="webhooks">
      <p class="muted">
        Every event of the group, POSTed to your URL in order and signed (Tillstream-Signature: HMAC-SHA256 of
        "timestamp.body" with the endpoint's secret). A failing endpoint is retried with growing waits, and disabled after
        failing for the retry horizon; events behind a failing one wait.
      </p>
      <div id="webhook-area"><WebhookForm base={base} sites={p.sites} /></div>
      <WebhookTable hooks={p.hooks} base={base} sites={p.sites} />
    </Layout>
  );
}

export function ReplayForm(p: { base: string; id: string; state?: FormState }) {
  const s = p.state ?? {};
  return (
    <form id="replay-form" class="card stack" hx-post={`${p.base}/webhooks/${p.id}/replay`} hx-target="this" hx-swap="outerHTML">
      <h2>Replay</h2>
      {s.message ? <p class="ok" role="status">{s.message}</p> : null}
      <FieldError state={s} name="form" />
      <label for="replay-event">Event id</label>
      <input id="replay-event" name="eventId" inputmode="numeric" maxlength={15} required autocomplete="off" value={s.values?.eventId ?? ''}
        aria-invalid={s.errors?.eventId ? 'true' : undefined} aria-describedby="replay-event-error" />
      <FieldError state={s} name="eventId" id="replay-event-error" />
      <label for="replay-mode">What to send</label>
      <select id="replay-mode" name="mode">
        <option value="one" selected={s.values?.mode !== 'after'}>This event again, now</option>
        <option value="after" selected={s.values?.mode === 'after'}>Everything after it again, in order</option>
      </select>
      <div class="row"><button type="submit" class="btn">Replay</button></div>
    </form>
  );
}

export function DeliveryLog(p: { tz: string; deliveries: DeliveryView[] }) {
  return (
    <table id="delivery-log" class="grid">
      <caption class="sr-only">Deliveries, newest first</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Result</th><th scope="col">Latency</th><th scope="col">Response</th></tr></thead>
      <tbody>{p.deliveries.map((d) => (
        <tr id={`delivery-${d.id}`}>
          <td><time datetime={d.createdAt}>{when(d.createdAt, p.tz)}</time></td>
          <td class="mono">{d.eventId} {d.eventType}{d.kind === 'replay' ? ' (replay)' : ''}</td>
          <td>{d.status === 'succeeded' ? <span class="tag">{d.responseCode}</span> : <span class="tag flag">{d.responseCode ?? 'failed'}</span>} attempt {d.attempt}</td>
          <td>{d.latencyMs} ms</td>
          <td class="prose">{d.error ? <strong>{d.error}</strong> : null} <span class="mono">{d.bodyExcerpt ?? ''}</span></td>
        </tr>
      ))}</tbody>
    </table>
  );
}

export function WebhookPage(p: { meta: PageMeta; w: WebhookView; deliveries: DeliveryView[]; sites: SiteOption[] }) {
  const base = adminBase(p.meta.tenantSlug);
  return (
    <Layout meta={p.meta} title={`Webhook ${p.w.url}`} active="webhooks">
      <p><a href={`${base}/webhooks`}>All webhooks</a></p>
      <table class="grid"><tbody><WebhookRow w={p.w} base={base} sites={p.sites} /></tbody></table>
      <ReplayForm base={base} id={p.w.id} />
      <h2>Deliveries</h2>
      {p.deliveries.length ? <DeliveryLog tz={p.meta.tz} deliveries={p.deliveries} /> : <p class="muted">Nothing delivered yet.</p>}
    </Layout>
  );
}
