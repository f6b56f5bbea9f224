import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';
import { createAdmin, signIn } from '../support/admin.ts';
import { rawStream, serve, until } from '../support/stream.ts';

// The Team page (owners): every action through the page as htmx sends it, asserting the fragment and
// the rows left behind. The sweep is made far slower than any test here, so a stream that ends did so
// because the page closed it at once, not because a sweep came by.
const t = await testApp({ KEY_SWEEP_MS: 600_000 });
const ownerId = await createAdmin(t.sql, t.tenantA.id, 'owner@alpha.test', 'owner password');
const owner = await signIn(t.app, 'alpha', 'owner@alpha.test', 'owner password');
const server = serve(t.app);

let n = 0;
async function staffMember(role: 'owner' | 'staff' = 'staff') {
  const email = `member${++n}@alpha.test`;
  const id = await createAdmin(t.sql, t.tenantA.id, email, 'member password', role);
  return { id, email, session: await signIn(t.app, 'alpha', email, 'member password') };
}
const adminRow = async (id: string) => (await t.sql`select email, role, location_id, deactivated_at, password_hash from admins where id = ${id}`)[0];
const sessionsOf = async (id: string) => (await t.sql`select count(*)::int as n from admin_sessions where admin_id = ${id}`)[0].n as number;
/** The one-time password in a fragment (the readonly input it is shown in). */
const passwordIn = (html: string) => /id="[^"]*password" class="mono" readonly="" value="([^"]+)"/.exec(html)?.[1]
  ?? /class="mono" readonly value="([^"]+)"/.exec(html)?.[1];
const canSignIn = (email: string, password: string) => signIn(t.app, 'alpha', email, password).then(() => true, () => false);

describe('the Team page', () => {
  test('lists owners and staff, names the owner as "you" and offers them no buttons on their own card', async () => {
    const m = await staffMember();
    const html = await (await owner.get('/team')).text();
    expect(html).toContain('owner@alpha.test');
    expect(html).toContain(m.email);
    const own = /<article id="admin-[^"]+"[^>]*aria-label="owner@alpha.test">[\s\S]*?<\/article>/.exec(html)![0];
    expect(own).toContain('>you<');
    expect(own).not.toContain('hx-post');
    expect(html).toContain('href="/alpha/admin/team"');
  });

  test('an owner adds a staff admin: the password is shown once, signs them in as staff, and the page never shows it again', async () => {
    const res = await owner.post('/team', { email: '  New.Person@Alpha.test ', role: 'staff' });
    expect(res.status).toBe(200);
    const html = await res.text();
    const password = passwordIn(html)!;
    expect(password).toMatch(/^[\w-]{20}$/);
    const [row] = await t.sql`select id, role, password_hash from admins where tenant_id = ${t.tenantA.id} and email = 'new.person@alpha.test'`;
    expect(row.role).toBe('staff');
    expect(row.password_hash).not.toContain(password);
    expect(html).toContain(`id="admin-${row.id}"`); // the list comes back with them in it
    expect(await canSignIn('new.person@alpha.test', password)).toBe(true);
    expect(await (await owner.get('/team')).text()).not.toContain(password);
  });

  test('an email already on the team, or not an email, is refused inline and adds nobody', async () => {
    const before = (await t.sql`select count(*)::int as n from admins`)[0].n;
    const taken = await owner.post('/team', { email: 'OWNER@alpha.test', role: 'staff' });
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain('owner@alpha.test is already on the team.');
    const bad = await owner.post('/team', { email: 'not an email', role: 'staff' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('That does not look like an email address.');
    const role = await owner.post('/team', { email: 'fine@alpha.test', role: 'admin' });
    expect(role.status).toBe(422);
    expect(await role.text()).toContain('Choose owner or staff.');
    expect((await t.sql`select count(*)::int as n from admins`)[0].n).toBe(before);
    expect((await adminRow(ownerId)).role).toBe('owner');
  });

  test('a reset password is shown once and works; the old one stops and the old sessions end', async () => {
    const m = await staffMember();
    const res = await owner.post(`/team/${m.id}/reset`, {});
    expect(res.status).toBe(200);
    const html = await res.text();
    const password = passwordIn(html)!;
    expect(html).toContain('New password made; signed out everywhere.');
    expect(await sessionsOf(m.id)).toBe(0);
    expect((await m.session.get('/dashboard')).status).toBe(303);
    expect(await canSignIn(m.email, 'member password')).toBe(false);
    expect(await canSignIn(m.email, password)).toBe(true);
    expect(await (await owner.get('/team')).text()).not.toContain(password);
  });

  test("an owner's password is not reset from the page (one owner cannot take over another): 404, unchanged", async () => {
    const other = await staffMember('owner');
    const before = await adminRow(other.id);
    expect((await owner.post(`/team/${other.id}/reset`, {})).status).toBe(404);
    expect(await adminRow(other.id)).toEqual(before);
    expect(await sessionsOf(other.id)).toBe(1);
  });

  test("deactivating an admin ends their sessions and their open stream at once; reactivated, they sign in afresh", async () => {
    const m = await staffMember();
    const stream = await rawStream(`${server}/alpha/admin/stream`, { cookie: m.session.cookie });
    expect(stream.res.status).toBe(200);
    await until(() => t.hub.streamsFor(`admin:${m.id}`) === 1, 'the stream to be registered');
    const res = await owner.post(`/team/${m.id}/deactivate`, {});
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Deactivated: signed out everywhere.');
    await until(() => stream.ended, "the deactivated admin's stream to end (the sweep is 10 minutes away)");
    expect((await adminRow(m.id)).deactivated_at).not.toBeNull();
    expect(await sessionsOf(m.id)).toBe(0);
    expect((await m.session.get('/dashboard')).status).toBe(303);
    expect(await canSignIn(m.email, 'member password')).toBe(false);

    const back = await owner.post(`/team/${m.id}/activate`, {});
    expect(back.status).toBe(200);
    expect((await adminRow(m.id)).deactivated_at).toBeNull();
    expect(await canSignIn(m.email, 'member password')).toBe(true);
  });

  test('roles: a staff admin made owner reaches the owner pages; an owner made staff is signed out and their stream ends', async () => {
    const m = await staffMember();
    expect((await m.session.get('/team')).status).toBe(403);
    const up = await owner.post(`/team/${m.id}/role`, { role: 'owner' });
    expect(up.status).toBe(200);
    expect(await up.text()).toContain('Now an owner.');
    expect((await adminRow(m.id)).role).toBe('owner');
    expect((await m.session.get('/team')).status).toBe(200); // promotion signs nobody out

    const stream = await rawStream(`${server}/alpha/admin/stream`, { cookie: m.session.cookie });
    await until(() => t.hub.streamsFor(`admin:${m.id}`) === 1, 'the stream to be registered');
    const down = await owner.post(`/team/${m.id}/role`, { role: 'staff' });
    expect(down.status).toBe(200);
    expect(await down.text()).toContain('Now staff; signed out everywhere.');
    await until(() => stream.ended, "the demoted owner's stream to end");
    expect((await adminRow(m.id)).role).toBe('staff');
    expect(await sessionsOf(m.id)).toBe(0);
  });

  test('nobody deactivates or demotes themself: refused inline, nothing changed', async () => {
    const self = await owner.post(`/team/${ownerId}/deactivate`, {});
    expect(self.status).toBe(422);
    expect(await self.text()).toContain('You cannot deactivate yourself');
    const demote = await owner.post(`/team/${ownerId}/role`, { role: 'staff' });
    expect(demote.status).toBe(422);
    expect(await demote.text()).toContain('You cannot make staff yourself');
    expect(await adminRow(ownerId)).toMatchObject({ role: 'owner', deactivated_at: null });
  });

  test('two owners deactivating each other at once: exactly one succeeds, and the tenant keeps an active owner', async () => {
    const b1 = await createAdmin(t.sql, t.tenantB.id, 'one@bravo.test', 'bravo password');
    const b2 = await createAdmin(t.sql, t.tenantB.id, 'two@bravo.test', 'bravo password');
    const [one, two] = [await signIn(t.app, 'bravo', 'one@bravo.test', 'bravo password'), await signIn(t.app, 'bravo', 'two@bravo.test', 'bravo password')];
    const answers = await Promise.all([one.post(`/team/${b2}/deactivate`, {}), two.post(`/team/${b1}/deactivate`, {})]);
    // The loser is refused as the last owner, or (when the winner committed before its session was read)
    // finds its session ended: either way it changed nothing.
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([401, 422]).toContain(statuses[1]);
    const refused = answers.find((r) => r.status === 422);
    if (refused) expect(await refused.text()).toContain('is the last active owner');
    const [{ n }] = await t.sql`select count(*)::int as n from admins where tenant_id = ${t.tenantB.id} and role = 'owner' and deactivated_at is null`;
    expect(n).toBe(1);
  });

  test("another tenant's admin, an unknown id and a malformed id are 404 and change nothing", async () => {
    const b = await createAdmin(t.sql, t.tenantB.id, 'someone@bravo.test', 'bravo password', 'staff');
    const before = await adminRow(b);
    for (const path of [`/team/${b}/deactivate`, `/team/${b}/reset`, `/team/${b}/role`, '/team/00000000-0000-0000-0000-000000000000/reset', '/team/x/deactivate']) {
      expect((await owner.post(path, { role: 'owner' })).status).toBe(404);
    }
    expect(await adminRow(b)).toEqual(before);
  });
});
