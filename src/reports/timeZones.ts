import type { Db } from '../platform/database.ts';
import { ApiError } from '../platform/errors.ts';

// The zone names this Postgres knows, read once per process: `at time zone` is what decides, and
// its list (the server's tzdata) is not ICU's. Intl accepts names Postgres refuses (`US/Pacific-New`,
// dropped from tzdata in 2020) and would otherwise reach SQL as error 22023.

let known: Promise<Set<string>> | null = null;

function load(db: Db): Promise<Set<string>> {
  const loading = db`select name from pg_timezone_names`.then((rows) => new Set(rows.map((r) => r.name as string)));
  // A failed read (database down) is not cached: the next request asks again.
  loading.catch(() => { if (known === loading) known = null; });
  return loading;
}

/** Refuses (400, path `tz`) a zone name Postgres does not know. */
export async function assertKnownTimeZone(db: Db, tz: string): Promise<void> {
  known ??= load(db);
  if ((await known).has(tz)) return;
  const message = 'an IANA time zone such as Europe/London';
  throw new ApiError(400, 'validation_failed', `tz: ${message}`, { errors: [{ path: 'tz', message }] });
}
