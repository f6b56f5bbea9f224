import { AuthCache } from './authCache.ts';

/**
 * Run a change to what a cached credential holds or whether it lives (a session ended, an admin's
 * access, role, site limit, picked site or one-time password flag, a tenant's name, currency, zone or
 * country), then forget this process's cached credentials: the admin who made the change, redirected,
 * sees it on the next request here. The other half is in Postgres: sql/0029's triggers NOTIFY
 * AUTH_CHANNEL in the changing transaction, so every instance (this one too, again) clears at commit,
 * whichever path made the change (this app, the CLI, an operator's psql).
 *
 * `change` should be the whole transaction, so the clear comes after COMMIT: a lookup that read the old
 * row before then is either already stored (and cleared here) or still in flight (and not stored:
 * AuthCache.clear). A clear before COMMIT would let a concurrent request cache the old row until the
 * NOTIFY arrived. Cleared on failure too, which costs only a lookup.
 */
export async function changingCredentials<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } finally {
    AuthCache.clearAll();
  }
}
