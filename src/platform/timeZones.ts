import { z } from '@hono/zod-openapi';
import type { Db } from './database.ts';
import { ApiError } from './errors.ts';

// Time zone names. Intl decides the shape at the edge; Postgres has the last word, because `at time
// zone` is what computes days and its list (the server's tzdata) is not ICU's: Intl accepts names
// Postgres refuses (`US/Pacific-New`, dropped from tzdata in 2020), which would reach SQL as 22023.

/** Only characters a zone name has, and only names Intl knows. */
export function isTimeZone(tz: string) {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(tz)) return false;
  try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; }
}

const MESSAGE = 'an IANA time zone such as Europe/London';

export const IanaTimeZone = z.string({ error: MESSAGE }).max(64, MESSAGE).refine(isTimeZone, MESSAGE)
  .openapi({ example: 'Europe/London' });

let known: Promise<Set<string>> | null = null;

function load(db: Db): Promise<Set<string>> {
  const loading = db`select name from pg_timezone_names`.then((rows) => new Set(rows.map((r) => r.name as string)));
  // A failed read (database down) is not cached: the next request asks again.
  loading.catch(() => { if (known === loading) known = null; });
  return loading;
}

/** Refuses (400, naming `path`) a zone name Postgres does not know; the list is read once per process. */
export async function assertKnownTimeZone(db: Db, tz: string, path = 'tz'): Promise<void> {
  known ??= load(db);
  if ((await known).has(tz)) return;
  throw new ApiError(400, 'validation_failed', `${path}: ${MESSAGE}`, { errors: [{ path, message: MESSAGE }] });
}
