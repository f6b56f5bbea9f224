import { describe, expect, test } from 'bun:test';
import { Directory } from '../../src/admin/directory.ts';
import { testApp } from '../support/app.ts';
import { createAdmin } from '../support/admin.ts';

const t = await testApp();
const anaA = await createAdmin(t.sql, t.tenantA.id, 'ana@alpha.test', 'password one');
const bobB = await createAdmin(t.sql, t.tenantB.id, 'bob@bravo.test', 'password two');
await t.sql`update tenants set currency = 'EUR' where id = ${t.tenantB.id}`;

/** Counts the loads a directory starts, to show what a miss costs. */
class CountingDirectory extends Directory {
  loads: string[][] = [];
  override load(tenantIds: string[]) {
    this.loads.push(tenantIds);
    return super.load(tenantIds);
  }
}

describe('the admin fragments name directory', () => {
  test("loads one tenant's admins, keys and currency, and nothing of other tenants", async () => {
    const d = new Directory(t.sql);
    await d.ensure(t.tenantA.id);
    expect(d.actorLabel(`admin:${anaA}`, t.tenantA.id)).toBe('ana@alpha.test');
    const [key] = await t.sql`select id, name, prefix from api_keys where tenant_id = ${t.tenantA.id}`;
    expect(d.actorLabel(`key:${key.id}`, t.tenantA.id)).toBe(`API key ${key.name} (${key.prefix}…)`);
    expect(d.currency(t.tenantA.id)).toBe('GBP');
    // Bravo was never asked for: its admin is not in memory here.
    expect(d.actorLabel(`admin:${bobB}`, t.tenantA.id)).toBe(`admin ${bobB.slice(0, 8)}`);
    await d.ensure(t.tenantB.id);
    expect(d.actorLabel(`admin:${bobB}`, t.tenantB.id)).toBe('bob@bravo.test');
    expect(d.currency(t.tenantB.id)).toBe('EUR');
  });

  test('a new admin renders generically once, is fetched, and is named on the next event', async () => {
    const d = new CountingDirectory(t.sql);
    await d.ensure(t.tenantA.id);
    const newcomer = await createAdmin(t.sql, t.tenantA.id, 'new@alpha.test', 'password three');
    expect(d.actorLabel(`admin:${newcomer}`, t.tenantA.id)).toBe(`admin ${newcomer.slice(0, 8)}`);
    for (let i = 0; i < 100 && d.actorLabel(`admin:${newcomer}`, t.tenantA.id) !== 'new@alpha.test'; i++) await Bun.sleep(10);
    expect(d.actorLabel(`admin:${newcomer}`, t.tenantA.id)).toBe('new@alpha.test');
  });

  test('an actor that never resolves costs at most one load per second, not one per event', async () => {
    const d = new CountingDirectory(t.sql);
    await d.ensure(t.tenantA.id);
    const before = d.loads.length;
    for (let i = 0; i < 500; i++) d.actorLabel('admin:00000000-0000-0000-0000-000000000000', t.tenantA.id);
    expect(d.loads.length - before).toBe(1);
    // Actors that are not ids (the CLI, the system) never trigger a load.
    for (let i = 0; i < 10; i++) expect(d.actorLabel('cli', t.tenantB.id)).toBe('cli');
    expect(d.loads.length - before).toBe(1);
  });

  test('a settings_updated currency is used at once; the periodic refresh reloads only known tenants', async () => {
    const d = new CountingDirectory(t.sql);
    await d.ensure(t.tenantA.id);
    d.learnCurrency(t.tenantA.id, 'CHF');
    expect(d.currency(t.tenantA.id)).toBe('CHF');
    await d.refresh();
    expect(d.loads.at(-1)).toEqual([t.tenantA.id]);
    expect(d.currency(t.tenantA.id)).toBe('GBP'); // what the database says wins on refresh
  });
});
