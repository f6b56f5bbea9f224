import type { Sql } from '../../src/platform/database.ts';

/**
 * Tables a refused request may legitimately write: throttles count the misses and failures they refuse
 * (a guessed gift card code, a wrong password); that is their job, not a change of state. Terminal
 * presence is written by the instance on its own clock (a stream the fuzzer opened, its heartbeat),
 * not by the request under test.
 */
const THROTTLES = new Set(['gift_card_misses', 'admin_sign_in_failures', 'terminal_presence']);
/** Columns that are hints refreshed by any authenticated request, at most once a minute (see apiKeys.ts, sessions.ts). */
const TOUCHED = ['last_used_at', 'last_seen_at', 'expires_at'];

/**
 * Every table's row count and a digest of its rows (balances, settings, statuses included), except the
 * throttles: a fingerprint of everything a request could change, for "a refusal changed nothing". A
 * new table is covered without being listed.
 */
export async function dbDigest(sql: Sql): Promise<Record<string, string>> {
  const tables = (await sql<{ name: string }[]>`select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`).filter((t) => !THROTTLES.has(t.name));
  // One round trip for all tables: the fuzzer takes a digest after every write it sends.
  const row = (t: string) => sql`select ${t}::text as name, count(*)::int as n,
      coalesce(md5(string_agg(r.v, '|' order by r.v)), '') as digest
    from (select (to_jsonb(t) - ${TOUCHED[0]}::text - ${TOUCHED[1]}::text - ${TOUCHED[2]}::text)::text as v from ${sql(t)} t) r`;
  const query = tables.slice(1).reduce((q, t) => sql`${q} union all ${row(t.name)}`, row(tables[0].name));
  const rows = await query;
  return Object.fromEntries(rows.map((r: any) => [r.name, `${r.n} rows, ${r.digest}`]));
}

/** The tables whose rows differ between two digests, for a failure message. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => before[n] !== after[n]).map((n) => `${n} (${before[n] ?? 'absent'} → ${after[n] ?? 'absent'})`);
}
