import { parseArgs } from 'node:util';
import { loadConfig } from './platform/config.ts';
import { connect, type Sql } from './platform/database.ts';
import { migrate } from './platform/migrations.ts';
import { databaseUrl } from './platform/databaseUrl.ts';
import { createTenant, tenantBySlug } from './identity/tenants.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './identity/apiKeys.ts';
import { limitAdmin, setAdminActive } from './identity/admins.ts';
import { locationByCode } from './locations/locations.ts';
import { PasswordInputError, passwordFrom, processPasswordSource, type PasswordSource } from './identity/passwordInput.ts';

// Bootstrap without a UI. Works against DATABASE_URL or the embedded default (start the service
// first or not: the embedded cluster is started for the command when it is not running).
const USAGE = `usage: bun run cli <command> [options]
  migrate
  tenant create --slug <slug> --name <name> [--currency GBP] [--country GB] [--json]
  key create --tenant <slug> [--name <name>] [--location <code>] [--json]   (--location: a till's key, bound to that site)
  key list --tenant <slug> [--json]
  key revoke --tenant <slug> --key <id or prefix> [--json]
  admin create --tenant <slug> --email <email> [--password-stdin] [--role owner|staff] [--location <code>] [--json]
      (the password: one line on standard input with --password-stdin, else asked for without echo in a terminal;
       --password <password> still works, deprecated: it lands in shell history and ps)
      (--location: a staff admin limited to that site; implies --role staff)
  admin limit --tenant <slug> --email <email> (--location <code> | --none) [--json]
      (limit a staff admin to one site, or give them the whole group back; narrowing signs them out)
  admin deactivate --tenant <slug> --email <email> [--json]   (signs them out everywhere, streams included)
  admin activate --tenant <slug> --email <email> [--json]`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

export async function runCli(argv: string[], sql: Sql, passwords: PasswordSource = processPasswordSource): Promise<unknown> {
  const [noun, verb] = argv;
  const { values: o } = parseArgs({
    args: argv.slice(verb && !verb.startsWith('--') ? 2 : 1),
    options: {
      slug: { type: 'string' }, name: { type: 'string' }, tenant: { type: 'string' }, key: { type: 'string' },
      email: { type: 'string' }, password: { type: 'string' }, 'password-stdin': { type: 'boolean' }, role: { type: 'string' },
      currency: { type: 'string' }, country: { type: 'string' }, json: { type: 'boolean' },
      location: { type: 'string' }, none: { type: 'boolean' },
    },
  });
  const need = (name: keyof typeof o) => (o[name] as string | undefined) ?? fail(`missing --${name}\n${USAGE}`);
  const tenant = async () => (await tenantBySlug(sql, need('tenant'))) ?? fail(`no tenant with slug "${o.tenant}"`);
  /** --location <code> → an active site of the tenant, or null without the option. */
  const site = async (tenantId: string) => {
    if (o.location === undefined) return null;
    const found = await locationByCode(sql, tenantId, o.location);
    if (!found) fail(`no location "${o.location}" in tenant "${o.tenant}"`);
    if (found.archived) fail(`location "${o.location}" is archived: it takes no new keys or staff`);
    return { id: found.id, code: o.location.toUpperCase() };
  };

  switch (`${noun} ${verb ?? ''}`.trim()) {
    case 'migrate':
      return { applied: await migrate(sql) };
    case 'tenant create': {
      const slug = need('slug');
      if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) fail('--slug: 2-63 lowercase letters, digits or dashes');
      if (await tenantBySlug(sql, slug)) fail(`tenant "${slug}" already exists`);
      return createTenant(sql, { slug, name: need('name'), currency: o.currency, defaultCountry: o.country });
    }
    case 'key create': {
      const t = await tenant();
      const at = await site(t.id);
      const key = await createApiKey(sql, t.id, o.name ?? 'default', at?.id ?? null);
      return { apiKey: key.apiKey, id: key.id, prefix: key.prefix, name: key.name, locationId: key.locationId, location: at?.code ?? null };
    }
    case 'key list':
      return { keys: await listApiKeys(sql, (await tenant()).id) };
    case 'key revoke': {
      const n = await revokeApiKey(sql, (await tenant()).id, need('key'));
      if (n === 0) fail(`no active key "${o.key}" in tenant "${o.tenant}"`);
      return { revoked: n };
    }
    case 'admin create': {
      const t = await tenant();
      const role = o.role ?? (o.location !== undefined ? 'staff' : 'owner');
      if (role !== 'owner' && role !== 'staff') fail('--role must be owner or staff');
      if (role === 'owner' && o.location !== undefined) fail('--location limits a staff admin; owners act for the whole group');
      const at = await site(t.id);
      const password = await passwordFrom(o, passwords).catch((e) => (e instanceof PasswordInputError ? fail(e.message) : Promise.reject(e)));
      if (password.length < 8) fail('the password must be at least 8 characters');
      const email = need('email').trim().toLowerCase();
      const hash = await Bun.password.hash(password);
      // A new admin is created limited (no moment with the whole group); an existing one keeps their
      // reach here and is limited below.
      // An existing admin gets a new password (and maybe a lower role): their sessions end, as a reset on
      // the Team page ends them, so whoever held the old password is signed out everywhere.
      const [row] = await sql.begin(async (tx) => {
        const rows = await tx`insert into admins (tenant_id, email, password_hash, role, location_id)
          values (${t.id}, ${email}, ${hash}, ${role}, ${at?.id ?? null})
          on conflict (tenant_id, email) do update set password_hash = excluded.password_hash, role = excluded.role,
            location_id = case when excluded.role = 'owner' then null else admins.location_id end
          returning id, email, role, location_id`;
        await tx`delete from admin_sessions where admin_id = ${rows[0].id}`;
        return rows;
      });
      // The limit goes through limitAdmin, so re-creating a signed-in admin with a narrower reach signs them out.
      const reach = at && row.location_id !== at.id ? await limitAdmin(sql, t.id, email, at.id) : null;
      const locationId = reach && reach !== 'owner' ? reach.locationId : row.location_id;
      return { admin: { id: row.id, email: row.email, role: row.role, locationId, tenant: t.slug } };
    }
    case 'admin deactivate':
    case 'admin activate': {
      const t = await tenant();
      const admin = await setAdminActive(sql, t.id, need('email'), verb === 'activate');
      if (!admin) fail(`no admin "${o.email}" in tenant "${o.tenant}"`);
      return { admin: { ...admin, tenant: t.slug } };
    }
    case 'admin limit': {
      const t = await tenant();
      if ((o.location === undefined) === !o.none) fail(`give either --location <code> or --none\n${USAGE}`);
      const at = await site(t.id);
      const reach = await limitAdmin(sql, t.id, need('email'), at?.id ?? null);
      if (!reach) fail(`no admin "${o.email}" in tenant "${o.tenant}"`);
      if (reach === 'owner') fail(`"${o.email}" is an owner: owners act for the whole group (make them --role staff first)`);
      return { admin: { ...reach, location: at?.code ?? null, tenant: t.slug } };
    }
    default:
      fail(USAGE);
  }
}

if (import.meta.main) {
  const config = loadConfig();
  const db = await databaseUrl(config, () => {}).catch((e) => fail(String(e instanceof Error ? e.message : e)));
  const sql = connect(db.url, 2);
  let code = 0;
  try {
    await migrate(sql);
    const result = await runCli(process.argv.slice(2), sql);
    const asJson = process.argv.includes('--json');
    console.log(asJson ? JSON.stringify(result) : JSON.stringify(result, null, 2));
  } catch (err) {
    console.error(String(err instanceof Error ? err.message : err));
    code = 1;
  } finally {
    await sql.end({ timeout: 2 });
    await db.stop();
  }
  process.exit(code);
}
