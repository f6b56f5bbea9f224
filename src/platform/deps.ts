import type { Caller } from '../identity/caller.ts';
import type { Config } from './config.ts';
import type { Sql } from './database.ts';

/** What a door's routes are built from: one pool and the settings. */
export type Deps = { sql: Sql; config: Config };

/** Hono's per-request variables on the API door: the caller, resolved once by identity's middleware. */
export type AppEnv = { Variables: { caller: Caller } };
