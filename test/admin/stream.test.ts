import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';

const t = await testApp();
await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'correct horse');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'correct horse');
const john = (await t.a.post('/api/v1/customers', { phone: '+447306506797', name: 'John Doe' })).body;

/** Read SSE text until `until` matches or the time runs out. */
async function readUntil(res: Response, until: RegExp, ms = 3000) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + ms;
  try {
    while (!until.test(text) && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => null)]);
      if (!chunk || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text;
}

describe('the admin event stream', () => {
  test('carries each change as HTML fragments, resuming after the id the page rendered', async () => {
    const html = await (await owner.get('/customers')).text();
    const from = Number(/lastEventId=(\d+)/.exec(html)![1]);
    // A change committed between render and connect must still arrive.
    await t.a.post(`/api/v1/customers/${john.id}/points/add`, { points: 40, reason: 'Between render and connect' });
    const res = await owner.get(`/stream?lastEventId=${from}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await readUntil(res, /Between render and connect[\s\S]*\n\n/);
    expect(text).toContain(`id: ${from + 1}`);
    expect(text).toContain('data: <!--ev:loyalty_updated-->');
    expect(text).toContain(`<span id="pts-${john.id}" class="pts flash" data-seq="${from + 1}" hx-swap-oob="true">40</span>`);
    expect(text).not.toContain('"customerId"'); // HTML for pages, not the JSON envelope
  });

  test('Last-Event-ID (the reconnect) wins over the page\'s ?lastEventId=', async () => {
    const seq = (await t.sql`select event_seq from tenant_counters where tenant_id = ${t.tenantA.id}`)[0].event_seq;
    await t.a.post(`/api/v1/customers/${john.id}/points/add`, { points: 1, reason: 'after reconnect' });
    const res = await owner.get('/stream?lastEventId=0', { 'last-event-id': String(seq) });
    const text = await readUntil(res, /after reconnect[\s\S]*\n\n/);
    expect(text).toContain(`id: ${seq + 1}`);
    expect(text).not.toContain('id: 1\n');
  });

  test('another tenant\'s stream is 404 and an anonymous one is sent to sign-in', async () => {
    const other = await t.app.request('/bravo/admin/stream', { headers: { cookie: owner.cookie } });
    expect(other.status).toBe(404);
    const anon = await t.app.request('/alpha/admin/stream', { headers: { 'hx-request': 'true' } });
    expect(anon.status).toBe(401);
    expect(anon.headers.get('hx-redirect')).toBe('/alpha/admin/login');
  });
});
