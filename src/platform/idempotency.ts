import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { AppEnv, Deps } from './deps.ts';
import { transaction, type Db, type Sql, type Tx } from './database.ts';
import { ApiError } from './errors.ts';

/** What a POST's work answers: its success status and body (refusals are thrown). */
export type Outcome<T, S extends 200 | 201> = { status: S; body: T };

const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

/**
 * Run one POST's work in one transaction. With an `Idempotency-Key`, the stored response is written
 * in that same transaction, so a key is recorded if and only if its work committed:
 * - same key and body again → the stored response, `Idempotent-Replayed: true`;
 * - same key, other body (or other route) → 422 idempotency_key_reused;
 * - same key while the first is still running → 409 idempotency_key_in_use (an advisory lock says so
 *   without waiting). Refusals (4xx) roll back and are not stored: a retry is judged afresh.
 * Generic in the body and status, so the route's handler is checked against its createRoute schema.
 */
export async function idempotent<T, S extends 200 | 201>(
  c: Context<AppEnv>, deps: Deps, body: unknown, work: (tx: Tx) => Promise<Outcome<T, S>>,
) {
  const key = c.req.header('idempotency-key');
  const caller = c.get('caller');
  if (key === undefined) {
    const out = await transaction(deps.sql, work);
    return c.json(out.body, out.status);
  }
  if (!KEY_SHAPE.test(key)) {
    throw new ApiError(400, 'validation_failed', 'Idempotency-Key must be 1-255 visible ASCII characters.');
  }
  const hash = createHash('sha256').update(`${c.req.method} ${c.req.path}\n${JSON.stringify(body ?? null)}`).digest('hex');
  // transaction() runs it once more if the connection failed before COMMIT was sent: the key, the
  // lock and the work were all rolled back with it, so the second run starts from the same state.
  const result = await transaction(deps.sql, async (tx) => {
    // Both sent at once (pipelined, one round trip): Postgres runs them in order, so the read happens
    // under the lock when it was taken; when it was not, the read's answer is ignored.
    const lock = tx`select pg_try_advisory_xact_lock(hashtextextended(${caller.tenantId + ':' + key}, 0)) as locked`.execute();
    const read = tx`select request_hash, response_status, response_body from idempotency_keys
      where tenant_id = ${caller.tenantId} and key = ${key}`.execute();
    const [{ locked }] = await lock;
    if (!locked) {
      await read.catch(() => {});
      throw new ApiError(409, 'idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed; retry shortly.');
    }
    const [stored] = await read;
    if (stored) {
      if (stored.request_hash !== hash) {
        throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request body.');
      }
      // Stored by this route from the same work's Outcome<T, S>: same key and body, same response.
      return { replayed: true, status: stored.response_status as S, body: stored.response_body as T };
    }
    const out = await work(tx);
    await tx`insert into idempotency_keys (tenant_id, key, request_hash, response_status, response_body)
      values (${caller.tenantId}, ${key}, ${hash}, ${out.status}, ${tx.json(out.body as Parameters<Tx['json']>[0])})`;
    return { replayed: false, ...out };
  });
  if (result.replayed) c.header('Idempotent-Replayed', 'true');
  return c.json(result.body, result.status);
}

/**
 * `idempotent` for work that is one statement on whatever it is given (a points change: one SQL
 * function call). Without an Idempotency-Key it is handed the pool, not a transaction, so it can run
 * as a lone statement (locations/where.ts atLocationOne): one round trip instead of BEGIN … COMMIT's
 * two. With a key, exactly as `idempotent` (the stored response needs the transaction).
 */
export async function idempotentOne<T, S extends 200 | 201>(
  c: Context<AppEnv>, deps: Deps, body: unknown, work: (db: Db) => Promise<Outcome<T, S>>,
) {
  if (c.req.header('idempotency-key') !== undefined) return idempotent(c, deps, body, work);
  const out = await work(deps.sql);
  return c.json(out.body, out.status);
}

/** Stored Idempotency-Key responses are kept IDEMPOTENCY_RETENTION_HOURS (at least 24), then pruned. */
export async function pruneIdempotencyKeys(sql: Sql, retentionHours: number): Promise<number> {
  const rows = await sql`delete from idempotency_keys where created_at < now() - make_interval(hours => ${retentionHours}) returning 1`;
  return rows.length;
}
