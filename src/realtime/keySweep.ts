import type { Sql } from '../platform/database.ts';
import { apiKeyIdOf, type Registry } from './registry.ts';
import type { Subscriber } from './subscriber.ts';

/**
 * Close streams whose API key was revoked or deleted since they opened: one query per sweep, however
 * many streams. A key checked at open time can be revoked while its stream lives for days.
 */
export async function sweepRevokedKeys(sql: Sql, streams: Registry<Subscriber>, close: (sub: Subscriber) => void) {
  const keyIds = streams.apiKeyIds();
  if (!keyIds.length) return;
  const rows = await sql`select id from api_keys where id = any(${keyIds}::uuid[]) and revoked_at is null`;
  const live = new Set(rows.map((r) => r.id as string));
  for (const sub of streams.list()) {
    const keyId = apiKeyIdOf(sub.streamKey);
    if (keyId && !live.has(keyId)) close(sub);
  }
}

/** Sweep every `everyMs`; returns the stop function. */
export function startKeySweep(everyMs: number, sweep: () => Promise<void>): () => void {
  const timer = setInterval(() => { sweep().catch((err) => console.error('key sweep failed', err)); }, everyMs);
  return () => clearInterval(timer);
}
