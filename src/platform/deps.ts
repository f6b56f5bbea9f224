import type { Caller } from '../identity/caller.ts';
import type { Hub } from '../realtime/hub.ts';
import type { Config } from './config.ts';
import type { Sql } from './database.ts';

/** What the app is built from: one pool, the settings, and the process's event hub. */
export type Deps = { sql: Sql; config: Config; hub: Hub };

/** Hono's per-request variables on the API door: the caller, resolved once by identity's middleware. */
export type AppEnv = { Variables: { caller: Caller } };
