import { describe, expect, test } from 'bun:test';
import { runCli } from '../src/cli.ts';
import { client, testApp } from './support/app.ts';
import { signIn } from './support/admin.ts';
import { DEPRECATED_PASSWORD_FLAG, PasswordInputError, passwordFrom, type PasswordSource } from '../src/identity/passwordInput.ts';

// testApp's own tenants (alpha, bravo) are ignored here; the CLI makes its own.
const { sql, url, app } = await testApp();

describe('cli', () => {
  test('tenant create prints a tenant and an API key that works against the API', async () => {
    const out: any = await runCli(['tenant', 'create', '--slug', 'corner-cafe', '--name', 'Corner Cafe', '--json'], sql);
    expect(out.tenant).toMatchObject({ slug: 'corner-cafe', name: 'Corner Cafe', currency: 'GBP', defaultCountry: 'GB' });
    expect(out.apiKey).toMatch(/^tsk_/);
    const r = await client(app, out.apiKey).get('/api/v1/settings');
    expect(r.status).toBe(200);
    expect(r.body.slug).toBe('corner-cafe');
    const [row] = await sql`select key_hash, prefix from api_keys where prefix = ${out.apiKey.slice(0, 12)}`;
    expect(row.key_hash).not.toContain(out.apiKey.slice(12)); // only the hash is stored
  });

  test('key create, list and revoke: a revoked key is refused', async () => {
    const created: any = await runCli(['key', 'create', '--tenant', 'corner-cafe', '--name', 'till-2', '--json'], sql);
    const api = client(app, created.apiKey);
    expect((await api.get('/api/v1/settings')).status).toBe(200);
    const listed: any = await runCli(['key', 'list', '--tenant', 'corner-cafe'], sql);
    expect(listed.keys.map((k: any) => k.name)).toEqual(['default', 'till-2']);
    expect(JSON.stringify(listed)).not.toContain(created.apiKey);
    expect(await runCli(['key', 'revoke', '--tenant', 'corner-cafe', '--key', created.prefix], sql)).toEqual({ revoked: 1 });
    expect((await api.get('/api/v1/settings')).status).toBe(401);
  });

  test('admin create stores a Bun.password hash, never the password', async () => {
    const out: any = await runCli(['admin', 'create', '--tenant', 'corner-cafe', '--email', 'Owner@Example.com', '--password', 'correct horse'], sql);
    expect(out.admin).toMatchObject({ email: 'owner@example.com', role: 'owner' });
    const [row] = await sql`select password_hash from admins where email = 'owner@example.com'`;
    expect(row.password_hash).not.toContain('correct horse');
    expect(await Bun.password.verify('correct horse', row.password_hash)).toBe(true);
  });

  test('admin create for an existing admin sets the new password and signs them out everywhere', async () => {
    await runCli(['admin', 'create', '--tenant', 'corner-cafe', '--email', 'reset@example.com', '--password', 'first password'], sql);
    const [admin] = await sql`select id from admins where email = 'reset@example.com'`;
    await sql`insert into admin_sessions (token_hash, admin_id, tenant_id, csrf_token, expires_at)
      select 'cli-reset-session', id, tenant_id, 'csrf', now() + interval '1 hour' from admins where id = ${admin.id}`;
    const out: any = await runCli(['admin', 'create', '--tenant', 'corner-cafe', '--email', 'reset@example.com', '--password', 'second password', '--role', 'staff'], sql);
    expect(out.admin).toMatchObject({ id: admin.id, role: 'staff' });
    expect((await sql`select count(*)::int as n from admin_sessions where admin_id = ${admin.id}`)[0].n).toBe(0);
    const [row] = await sql`select password_hash from admins where id = ${admin.id}`;
    expect(await Bun.password.verify('second password', row.password_hash)).toBe(true);
  });

  test('admin deactivate signs an admin out everywhere and refuses their sign-in; admin activate lets them back', async () => {
    await runCli(['admin', 'create', '--tenant', 'corner-cafe', '--email', 'leaver@example.com', '--password', 'leaver password', '--role', 'staff'], sql);
    const [admin] = await sql`select id from admins where email = 'leaver@example.com'`;
    await sql`insert into admin_sessions (token_hash, admin_id, tenant_id, csrf_token, expires_at)
      select 'cli-test-session', id, tenant_id, 'csrf', now() + interval '1 hour' from admins where id = ${admin.id}`;
    const off: any = await runCli(['admin', 'deactivate', '--tenant', 'corner-cafe', '--email', 'Leaver@Example.com', '--json'], sql);
    expect(off.admin).toEqual({ id: admin.id, email: 'leaver@example.com', role: 'staff', deactivatedAt: expect.any(String), tenant: 'corner-cafe' });
    expect((await sql`select count(*)::int as n from admin_sessions where admin_id = ${admin.id}`)[0].n).toBe(0);
    // Deactivating again keeps the first time it happened.
    const again: any = await runCli(['admin', 'deactivate', '--tenant', 'corner-cafe', '--email', 'leaver@example.com'], sql);
    expect(again.admin.deactivatedAt).toBe(off.admin.deactivatedAt);
    const on: any = await runCli(['admin', 'activate', '--tenant', 'corner-cafe', '--email', 'leaver@example.com'], sql);
    expect(on.admin).toMatchObject({ id: admin.id, deactivatedAt: null });
    expect((await sql`select deactivated_at from admins where id = ${admin.id}`)[0].deactivated_at).toBeNull();
  });

  test('key create --location binds a till to that site (any case of its code); an unknown or archived code is refused', async () => {
    const t: any = await runCli(['tenant', 'create', '--slug', 'pizza-group', '--name', 'Pizza Group', '--json'], sql);
    const group = client(app, t.apiKey);
    const soho = (await group.post('/api/v1/locations', { name: 'Soho', code: 'SOHO', timeZone: 'Europe/London' })).body;
    const out: any = await runCli(['key', 'create', '--tenant', 'pizza-group', '--name', 'Soho till', '--location', 'soho', '--json'], sql);
    expect(out).toMatchObject({ name: 'Soho till', locationId: soho.id, location: 'SOHO' });
    const [row] = await sql`select location_id from api_keys where id = ${out.id}`;
    expect(row.location_id).toBe(soho.id);
    const c = await group.post('/api/v1/customers', { phone: '+447306540001' });
    const added = await client(app, out.apiKey).post(`/api/v1/customers/${c.body.id}/points/add`, { points: 4 });
    expect(added.body.transaction.locationId).toBe(soho.id);
    const listed: any = await runCli(['key', 'list', '--tenant', 'pizza-group'], sql);
    expect(listed.keys.map((k: any) => [k.name, k.locationCode])).toEqual([['default', null], ['Soho till', 'SOHO']]);

    await group.post('/api/v1/locations', { name: 'Closed', code: 'CLOSED', timeZone: 'Europe/London' });
    const closed = (await group.get('/api/v1/locations')).body.data.find((l: any) => l.code === 'CLOSED');
    await group.patch(`/api/v1/locations/${closed.id}`, { archived: true });
    const before = (await sql`select count(*)::int as n from api_keys`)[0].n;
    for (const [code, message] of [['NOWHERE', 'no location "NOWHERE" in tenant "pizza-group"'], ['CLOSED', 'location "CLOSED" is archived']]) {
      const proc = Bun.spawn(['bun', 'src/cli.ts', 'key', 'create', '--tenant', 'pizza-group', '--location', code],
        { env: { ...process.env, DATABASE_URL: url }, stderr: 'pipe' });
      expect(await proc.exited).toBe(2);
      expect(await new Response(proc.stderr).text()).toContain(message);
    }
    expect((await sql`select count(*)::int as n from api_keys`)[0].n).toBe(before);
  }, 20_000);

  test('admin create --location makes a staff admin limited to that site; admin limit moves them, or gives the group back with --none', async () => {
    const made: any = await runCli(['admin', 'create', '--tenant', 'pizza-group', '--email', 'soho@pizza.test', '--password', 'soho password', '--location', 'SOHO'], sql);
    const [soho] = await sql`select l.id from locations l join tenants t on t.id = l.tenant_id where t.slug = 'pizza-group' and l.code = 'SOHO'`;
    expect(made.admin).toMatchObject({ email: 'soho@pizza.test', role: 'staff', locationId: soho.id });
    const admin = async () => (await sql`select location_id from admins where email = 'soho@pizza.test'`)[0];
    expect((await admin()).location_id).toBe(soho.id);

    // Narrowing what an admin may see signs them out everywhere (their open pages had the wider reach).
    const camden = (await client(app, (await runCli(['key', 'create', '--tenant', 'pizza-group'], sql) as any).apiKey)
      .post('/api/v1/locations', { name: 'Camden', code: 'CAMDEN', timeZone: 'Europe/London' })).body;
    const sessionOf = async () => (await sql`select count(*)::int as n from admin_sessions s join admins a on a.id = s.admin_id where a.email = 'soho@pizza.test'`)[0].n;
    const session = async () => sql`insert into admin_sessions (token_hash, admin_id, tenant_id, csrf_token, expires_at)
      select ${`cli-limit-${Math.random()}`}, id, tenant_id, 'csrf', now() + interval '1 hour' from admins where email = 'soho@pizza.test'`;
    await session();
    const moved: any = await runCli(['admin', 'limit', '--tenant', 'pizza-group', '--email', 'soho@pizza.test', '--location', 'camden'], sql);
    expect(moved.admin).toMatchObject({ locationId: camden.id, location: 'CAMDEN', signedOut: true });
    expect(await sessionOf()).toBe(0);
    await session();
    const freed: any = await runCli(['admin', 'limit', '--tenant', 'pizza-group', '--email', 'soho@pizza.test', '--none'], sql);
    expect(freed.admin).toMatchObject({ locationId: null, location: null, signedOut: false });
    expect(await sessionOf()).toBe(1);
    expect((await admin()).location_id).toBeNull();

    // Owners act for the whole group: they cannot be limited, and making a limited admin an owner frees them.
    await runCli(['admin', 'limit', '--tenant', 'pizza-group', '--email', 'soho@pizza.test', '--location', 'SOHO'], sql);
    await runCli(['admin', 'create', '--tenant', 'pizza-group', '--email', 'soho@pizza.test', '--password', 'soho password', '--role', 'owner'], sql);
    expect((await admin()).location_id).toBeNull();
    const refusals: [string[], string][] = [
      [['admin', 'limit', '--tenant', 'pizza-group', '--email', 'soho@pizza.test', '--location', 'SOHO'], 'is an owner'],
      [['admin', 'create', '--tenant', 'pizza-group', '--email', 'x@pizza.test', '--password', 'x password', '--role', 'owner', '--location', 'SOHO'], 'owners act for the whole group'],
      [['admin', 'limit', '--tenant', 'pizza-group', '--email', 'soho@pizza.test'], 'give either --location <code> or --none'],
      [['admin', 'limit', '--tenant', 'pizza-group', '--email', 'nobody@pizza.test', '--none'], 'no admin "nobody@pizza.test"'],
    ];
    for (const [args, message] of refusals) {
      const proc = Bun.spawn(['bun', 'src/cli.ts', ...args], { env: { ...process.env, DATABASE_URL: url }, stderr: 'pipe' });
      expect(await proc.exited).toBe(2);
      expect(await new Response(proc.stderr).text()).toContain(message);
    }
    expect((await admin()).location_id).toBeNull();
    expect((await sql`select count(*)::int as n from admins where email = 'x@pizza.test'`)[0].n).toBe(0);
  }, 30_000);

  test('the cli runs as a process against DATABASE_URL and prints the documented JSON', async () => {
    const proc = Bun.spawn(['bun', 'src/cli.ts', 'tenant', 'create', '--slug', 'proc-test', '--name', 'Proc', '--json'], {
      env: { ...process.env, DATABASE_URL: url }, stdout: 'pipe', stderr: 'pipe',
    });
    const [stdout, code] = [await new Response(proc.stdout).text(), await proc.exited];
    expect(code).toBe(0);
    const out = JSON.parse(stdout.trim());
    expect(Object.keys(out).sort()).toEqual(['apiKey', 'tenant']);
    expect(out.tenant.slug).toBe('proc-test');
    const bad = Bun.spawn(['bun', 'src/cli.ts', 'key', 'create', '--tenant', 'nope'], { env: { ...process.env, DATABASE_URL: url }, stderr: 'pipe' });
    expect(await bad.exited).toBe(2);
    expect(await new Response(bad.stderr).text()).toContain('no tenant with slug "nope"');
    const unknown = Bun.spawn(['bun', 'src/cli.ts', 'admin', 'deactivate', '--tenant', 'proc-test', '--email', 'nobody@example.com'],
      { env: { ...process.env, DATABASE_URL: url }, stderr: 'pipe' });
    expect(await unknown.exited).toBe(2);
    expect(await new Response(unknown.stderr).text()).toContain('no admin "nobody@example.com" in tenant "proc-test"');
  });
});

// `admin create` takes the password from standard input or a prompt, never argv by default (shell
// history, `ps`); --password still works, deprecated, with a warning.
describe('cli admin create: where the password comes from', () => {
  const env = { ...process.env, DATABASE_URL: url };
  const run = (args: string[], stdin: string) => Bun.spawn(['bun', 'src/cli.ts', 'admin', 'create', '--tenant', 'stdin-cafe', ...args],
    { env, stdin: new Blob([stdin]), stdout: 'pipe', stderr: 'pipe' });
  const hashOf = async (email: string) => (await sql`select password_hash from admins where email = ${email}`)[0]?.password_hash as string | undefined;

  test('--password-stdin reads one line from standard input (its newline not included) and that password signs in', async () => {
    await runCli(['tenant', 'create', '--slug', 'stdin-cafe', '--name', 'Stdin Cafe'], sql);
    const proc = run(['--email', 'piped@stdin.test', '--password-stdin', '--json'], 'piped in secret\n');
    const [stdout, stderr, code] = [await new Response(proc.stdout).text(), await new Response(proc.stderr).text(), await proc.exited];
    expect(code).toBe(0);
    expect(stderr).not.toContain('deprecated');
    expect(JSON.parse(stdout.trim()).admin).toMatchObject({ email: 'piped@stdin.test', role: 'owner' });
    expect(await Bun.password.verify('piped in secret', (await hashOf('piped@stdin.test'))!)).toBe(true);
    expect(await signIn(app, 'stdin-cafe', 'piped@stdin.test', 'piped in secret')).toBeDefined();
  }, 30_000);

  test('with no terminal and neither option it refuses and creates nobody; --password works but warns that it is deprecated', async () => {
    const none = run(['--email', 'nobody@stdin.test'], '');
    expect(await none.exited).toBe(2);
    expect(await new Response(none.stderr).text()).toContain('no password: pipe it in with --password-stdin');
    expect(await hashOf('nobody@stdin.test')).toBeUndefined();
    const short = run(['--email', 'short@stdin.test', '--password-stdin'], 'short\n');
    expect(await short.exited).toBe(2);
    expect(await new Response(short.stderr).text()).toContain('at least 8 characters');
    expect(await hashOf('short@stdin.test')).toBeUndefined();

    const flag = run(['--email', 'flag@stdin.test', '--password', 'old style password'], '');
    expect(await flag.exited).toBe(0);
    expect(await new Response(flag.stderr).text()).toContain(DEPRECATED_PASSWORD_FLAG);
    expect(await Bun.password.verify('old style password', (await hashOf('flag@stdin.test'))!)).toBe(true);
  }, 30_000);

  test('in a terminal it asks twice without echo and uses the answer; two different answers are refused', async () => {
    const asked: string[] = [];
    const terminal = (answers: string[]): PasswordSource => ({
      stdin: () => Promise.reject(new Error('stdin is the terminal here')), interactive: true,
      ask: async (q) => { asked.push(q); return answers.shift()!; }, warn: () => { throw new Error('no warning expected'); },
    });
    const out: any = await runCli(['admin', 'create', '--tenant', 'stdin-cafe', '--email', 'typed@stdin.test', '--role', 'staff'], sql,
      terminal(['typed at a prompt', 'typed at a prompt']));
    expect(out.admin).toMatchObject({ email: 'typed@stdin.test', role: 'staff' });
    expect(asked).toEqual(['Password (at least 8 characters): ', 'The same again: ']);
    expect(await Bun.password.verify('typed at a prompt', (await hashOf('typed@stdin.test'))!)).toBe(true);
    await expect(passwordFrom({}, terminal(['one password', 'another one']))).rejects.toThrow(PasswordInputError);
    await expect(passwordFrom({ password: 'x', 'password-stdin': true }, terminal([]))).rejects.toThrow('not both');
  });
});
