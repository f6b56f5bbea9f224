import type { Config } from './config.ts';
import type { Sql } from './db.ts';
import type { Hub } from './realtime/hub.ts';

/** What the app is built from: one pool, the settings, and the process's event hub. */
export type Deps = { sql: Sql; config: Config; hub: Hub };

/** Who is calling: resolved from an API key (POS, integrators) or an admin session cookie. */
export type Caller = {
  tenantId: string;
  tenantSlug: string;
  defaultCountry: string;
  /** Recorded on ledger rows and events: `key:<id>` or `admin:<id>`. */
  actor: string;
  keyId: string | null;
  adminId: string | null;
  role: 'owner' | 'staff' | 'key';
};

export type AppEnv = { Variables: { caller: Caller } };
