import { describe, expect, test } from 'bun:test';
import { runCli } from '../src/cli.ts';
import { client, testApp } from './support/app.ts';

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
