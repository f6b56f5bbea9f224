-- Local time everywhere (issue 13, item 3): the tenant's own time zone.
--
-- `time_zone` is the zone the back office shows times in, the dashboard's "today" and the reports' days
-- for the group; a location's own time_zone (sql/0008) overrides it for that site's figures. Default
-- 'UTC': every existing tenant's reports keep exactly the days they had until an owner picks a zone.
-- The app checks the name against pg_timezone_names before it gets here (src/platform/timeZones.ts);
-- the check below only keeps junk out of the column.
alter table tenants add column time_zone text not null default 'UTC' check (length(time_zone) between 1 and 64);

-- The settings JSON gains `timezone` without restating the rest: the function as it stands (0001, or
-- whatever an earlier migration on another branch made it) keeps its name's body under a new name, and
-- tenant_settings_json() becomes it plus the zone. Every caller (settings_update, tenant creation)
-- names tenant_settings_json and so returns, and emits, the zone too.
alter function tenant_settings_json(tenants) rename to tenant_settings_json_before_zone;
create function tenant_settings_json(t tenants) returns jsonb language sql stable as $$
  select tenant_settings_json_before_zone(t) || jsonb_build_object('timezone', t.time_zone)
$$;

-- The settings write with the zone: sets it (when the patch names one) and then runs settings_change
-- (sql/0016: points expiry, then settings_update, which bumps updated_at and emits settings_updated with
-- the new zone in it), all in the caller's transaction.
create function settings_update_with_zone(p_tenant uuid, p_patch jsonb, p_actor text) returns jsonb language plpgsql as $$
begin
  if p_patch ? 'timezone' then
    update tenants set time_zone = p_patch->>'timezone' where id = p_tenant;
  end if;
  return settings_change(p_tenant, p_patch - 'timezone', p_actor);
end $$;

-- An instant as ISO 8601 in a zone's wall clock with that zone's offset at the instant:
-- iso_at('2026-06-10 23:30Z', 'Pacific/Auckland') = '2026-06-11T11:30:00.000+12:00'. CSV exports write
-- their times with it, so a spreadsheet shows the restaurant's own clock and the instant stays exact.
create function iso_at(ts timestamptz, tz text) returns text language sql stable as $$
  select to_char(ts at time zone tz, 'YYYY-MM-DD"T"HH24:MI:SS.MS')
    || case when s < 0 then '-' else '+' end
    || lpad((abs(s) / 3600)::text, 2, '0') || ':' || lpad((abs(s) % 3600 / 60)::text, 2, '0')
  from (select extract(epoch from (ts at time zone tz) - (ts at time zone 'UTC'))::int as s) o
$$;
