import type { Db } from '../platform/database.ts';

/**
 * SQL for who did it, readable: an admin's email or an API key's name, from an `actor` column holding
 * `admin:<id>` or `key:<id>`. Page reads use this; live fragments use admin/directory.ts instead.
 */
export const actorLabelSql = (db: Db, column: string) => db`coalesce(
  case when ${db(column)} like 'admin:%' then (select email from admins where id::text = substr(${db(column)}, 7)) end,
  case when ${db(column)} like 'key:%' then (select 'API key ' || name || ' (' || prefix || '…)' from api_keys where id::text = substr(${db(column)}, 5)) end,
  ${db(column)}, 'system')`;
