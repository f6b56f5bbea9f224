import { Hono } from 'hono';
import type { Caller } from '../identity/caller.ts';
import { listLocations } from '../locations/locations.ts';
import type { Db } from '../platform/database.ts';
import type { Deps } from '../platform/deps.ts';
import { toProblem } from '../platform/errors.ts';
import { WebhookCreate, WebhookReplay } from '../webhooks/schemas.ts';
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, replay, updateWebhook } from '../webhooks/webhooks.ts';
import { NewSecret, ReplayForm, WebhookForm, WebhookPage, WebhookRow, WebhooksPage, WebhookTable, type SiteOption } from '../../views/webhooks.tsx';
import { adminBase } from '../../views/shell/layout.tsx';
import { type AdminEnv, fragment, meta, page, snapshot } from './context.ts';
import { type FieldErrors, formFields, parseForm } from './forms.ts';

async function sites(db: Db, caller: Caller): Promise<SiteOption[]> {
  return (await listLocations(db, caller)).map((l) => ({ id: l.id, name: l.name, code: l.code }));
}

/** A 400 from the domain (an unknown site) as an inline error on the field it names. */
function inline(err: unknown): FieldErrors {
  const p = toProblem(err);
  if (p.status !== 400) throw err;
  const first = Array.isArray(p.errors) ? (p.errors as { path: string }[])[0] : undefined;
  return { [first?.path?.split('.')[0] || 'form']: p.detail };
}

/**
 * Webhooks (owners): the same createWebhook/updateWebhook/replay as /api/v1/webhooks, with the same
 * schemas. The form takes one site (the API takes several) and types as a comma-separated list.
 */
export function webhookPages(deps: Deps) {
  const { sql, config } = deps;
  const sendOptions = { timeoutMs: config.WEBHOOK_TIMEOUT_MS, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_ADDRESSES };
  const app = new Hono<AdminEnv>();

  app.get('/webhooks', async (c) => {
    const caller = c.get('caller');
    const { seq, data } = await snapshot(sql, caller.tenantId, async (tx) => ({ hooks: await listWebhooks(tx, caller), sites: await sites(tx, caller) }));
    return page(c, <WebhooksPage meta={meta(c, seq)} hooks={data.hooks} sites={data.sites} />);
  });

  app.post('/webhooks', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const f = await formFields(c);
    await listWebhooks(sql, caller); // refuse staff before judging the form
    const all = await sites(sql, caller);
    const again = (errors: FieldErrors) => fragment(c, <WebhookForm base={base} sites={all} state={{ values: f, errors }} />, 422);
    const types = (f.types ?? '').split(/[\s,]+/).filter(Boolean);
    const parsed = parseForm(WebhookCreate, { url: f.url ?? '', types: types.length ? types : undefined, locations: f.locationId ? [f.locationId] : undefined });
    if (parsed.errors) return again(parsed.errors);
    let made;
    try {
      made = await createWebhook(sql, caller, parsed.data);
    } catch (err) {
      return again(inline(err));
    }
    return fragment(c, <>
      <NewSecret url={made.url} secret={made.secret} />
      <WebhookForm base={base} sites={all} />
      <WebhookTable hooks={await listWebhooks(sql, caller)} base={base} sites={all} oob />
    </>);
  });

  app.get('/webhooks/:id', async (c) => {
    const caller = c.get('caller');
    const id = c.req.param('id');
    const { seq, data } = await snapshot(sql, caller.tenantId, async (tx) => ({
      w: await getWebhook(tx, caller, id), log: await listDeliveries(tx, caller, id, { limit: 100 }), sites: await sites(tx, caller),
    }));
    return page(c, <WebhookPage meta={meta(c, seq)} w={data.w} deliveries={data.log.data} sites={data.sites} />);
  });

  // Pause, resume, re-enable: the row's button sends `status` (hx-vals).
  app.post('/webhooks/:id/status', async (c) => {
    const caller = c.get('caller');
    const f = await formFields(c);
    const w = await getWebhook(sql, caller, c.req.param('id'));
    const all = await sites(sql, caller);
    const base = adminBase(caller.tenantSlug);
    if (f.status !== 'active' && f.status !== 'paused') {
      return fragment(c, <WebhookRow w={w} base={base} sites={all} message="Choose to pause or resume." />, 422);
    }
    const saved = await updateWebhook(sql, caller, w.id, { status: f.status });
    return fragment(c, <WebhookRow w={saved} base={base} sites={all} message={f.status === 'active' ? 'Delivering.' : 'Paused: events wait.'} />);
  });

  app.post('/webhooks/:id/delete', async (c) => {
    await deleteWebhook(sql, c.get('caller'), c.req.param('id'));
    return c.body(null, 200);
  });

  app.post('/webhooks/:id/replay', async (c) => {
    const caller = c.get('caller');
    const base = adminBase(caller.tenantSlug);
    const id = c.req.param('id');
    const f = await formFields(c);
    await getWebhook(sql, caller, id);
    const again = (errors: FieldErrors) => fragment(c, <ReplayForm base={base} id={id} state={{ values: f, errors }} />, 422);
    const raw = f.eventId ?? '';
    const parsed = parseForm(WebhookReplay, f.mode === 'after' ? { afterEventId: raw } : { eventId: raw }, { afterEventId: 'Enter an event id.', eventId: 'Enter an event id.' });
    if (parsed.errors) return again({ eventId: 'Enter an event id (a number).' });
    let result;
    try {
      result = await replay(sql, caller, id, parsed.data, sendOptions);
    } catch (err) {
      const p = toProblem(err);
      if (p.status === 400 || (p.status === 404 && 'eventId' in parsed.data)) return again({ eventId: p.detail });
      throw err;
    }
    const d = result.delivery;
    const message = d
      ? `Event ${d.eventId} sent: ${d.status === 'succeeded' ? `answered ${d.responseCode}` : `failed (${d.error ?? d.responseCode})`} in ${d.latencyMs} ms.`
      : `Everything after event ${raw} will be delivered again, in order.`;
    return fragment(c, <ReplayForm base={base} id={id} state={{ message }} />);
  });

  return app;
}
