import type { Sql } from '../platform/database.ts';
import { log } from '../platform/log.ts';
import { liveSessionsQuery } from '../identity/sessions.ts';
import { apiKeyIdOf, type Registry } from './registry.ts';
import type { Subscriber } from './subscriber.ts';

/**
 * Close streams whose credential ended since they opened: an API key revoked or deleted, an admin
 * session signed out, expired or belonging to a deactivated admin. A credential checked at open time
 * can end while its stream lives for days, and on another instance: this asks Postgres, one query per
 * sweep however many streams, so every instance learns within one sweep.
 */
export async function sweepRevokedKeys(sql: Sql, streams: Registry<Subscriber>, close: (sub: Subscriber) => void) {
  // Judge only the streams asked about: one that opens while the query is in flight has a credential
  // that was not in it, and must not be closed for that (its open already checked the credential).
  const judged = streams.list();
  const keyIds = streams.apiKeyIds();
  const sessionIds = streams.sessionIds();
  if (!keyIds.length && !sessionIds.length) return;
  const rows = await sql`
    select 'key:' || id as live from api_keys where id = any(${keyIds}::uuid[]) and revoked_at is null
    union all
    select 'session:' || id from (${liveSessionsQuery(sql, sessionIds)}) s`;
  const live = new Set(rows.map((r) => r.live as string));
  for (const sub of judged) {
    if (sub.closed) continue;
    const keyId = apiKeyIdOf(sub.streamKey);
    if (keyId && !live.has(`key:${keyId}`)) close(sub);
    else if (sub.sessionId && !live.has(`session:${sub.sessionId}`)) close(sub);
  }
}

/** Sweep every `everyMs`; returns the stop function. */
export function startKeySweep(everyMs: number, sweep: () => Promise<void>): () => void {
  const timer = setInterval(() => { sweep().catch((err) => log.warn(`stream sweep failed (streams stay open; next try in ${everyMs} ms): ${String(err)}`)); }, everyMs);
  return () => clearInterval(timer);
}
