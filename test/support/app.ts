import { defaultConfig, type Config } from '../../src/platform/config.ts';
import { createApp } from '../../src/app.ts';
import { createTenant } from '../../src/identity/tenants.ts';
import type { Sql } from '../../src/platform/database.ts';
import { freshDatabase } from './db.ts';
import { afterAll } from 'bun:test';
import { Hub } from '../../src/realtime/hub.ts';
import { Listener } from '../../src/realtime/listener.ts';

export type Api = ReturnType<typeof client>;

/** A JSON client over app.request() (in-process, no socket) authenticated with one tenant's key. */
export function client(app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> }, apiKey: string | null) {
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const init: RequestInit = {
      method,
      headers: {
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    };
    const res = await app.request(path, init);
    const text = await res.text();
    let json: any = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    return { status: res.status, headers: res.headers, body: json };
  }
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => call('POST', path, body ?? {}, headers),
    patch: (path: string, body?: unknown, headers?: Record<string, string>) => call('PATCH', path, body ?? {}, headers),
    call,
  };
}

/** A fresh database, the app over it, and two tenants (A and B) with API keys. */
export async function testApp(overrides: Partial<Config> = {}) {
  const { sql, url } = await freshDatabase();
  const config = defaultConfig(overrides);
  const { hub, listener } = await startRealtime(sql, url, config);
  const app = createApp({ sql, config, hub }, { listener: () => listener.isUp() });
  const a = await createTenant(sql, { slug: 'alpha', name: 'Alpha Diner' });
  const b = await createTenant(sql, { slug: 'bravo', name: 'Bravo Bistro' });
  return {
    sql, url, config, app, hub, listener,
    tenantA: a.tenant, tenantB: b.tenant,
    a: client(app, a.apiKey), b: client(app, b.apiKey), anon: client(app, null),
    keyA: a.apiKey, keyB: b.apiKey,
  };
}

/** A started hub and LISTEN connection over one database, stopped after the file's tests. */
export async function startRealtime(sql: Sql, url: string, config: Config) {
  const hub = new Hub({ sql, config });
  const listener = new Listener({ url, sql, hub, config });
  await listener.start();
  hub.start();
  afterAll(async () => {
    hub.stop();
    await listener.stop();
  });
  return { hub, listener };
}

/** I1, I2, I4 over the whole database: every balance equals its ledger sum, nothing negative. */
export async function pointsInvariants(sql: Sql) {
  const discrepancies = await sql`select * from points_discrepancies`;
  const [{ negative }] = await sql`select count(*)::int as negative from customers where points_balance < 0`;
  const [{ broken }] = await sql`select count(*)::int as broken from ledger where balance_after <> balance_before + points`;
  return { discrepancies: discrepancies.length, negative, broken };
}
