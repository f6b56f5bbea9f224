-- Browser POS: each tenant lists the exact origins (scheme://host[:port]) its browser tills are served
-- from. The API answers a CORS preflight (which carries no key) for an origin on ANY tenant's list,
-- and the real request gets Access-Control-Allow-Origin only when the origin is on its key's tenant's
-- list (src/platform/cors.ts). The schema validates each origin; the checks here are the net under it.

alter table tenants add column cors_origins text[] not null default '{}'
  check (cardinality(cors_origins) <= 20);

-- "Is this origin on any tenant's list?" is asked by every preflight, before auth: an index answers it.
create index tenants_cors_origins on tenants using gin (cors_origins);

-- The settings JSON, whole again: 0021 wrapped the earlier body to add the zone; this states every field.
drop function tenant_settings_json(tenants);
drop function tenant_settings_json_before_zone(tenants);
create function tenant_settings_json(t tenants) returns jsonb language sql stable as $$
  select jsonb_build_object(
    'slug', t.slug, 'name', t.name, 'currency', t.currency, 'defaultCountry', t.default_country,
    'earnPointsPerUnit', t.earn_points_per_unit::float8, 'earnMinOrderCents', t.earn_min_order_cents,
    'pointValueCents', t.point_value_cents, 'pointsExpireAfterDays', t.points_expire_after_days,
    'timezone', t.time_zone, 'corsOrigins', to_jsonb(t.cors_origins), 'updatedAt', iso(t.updated_at))
$$;

create or replace function settings_update(p_tenant uuid, p_patch jsonb, p_actor text) returns jsonb language plpgsql as $$
declare t tenants;
begin
  update tenants set
    name = coalesce(p_patch->>'name', name),
    currency = coalesce(p_patch->>'currency', currency),
    default_country = coalesce(p_patch->>'defaultCountry', default_country),
    earn_points_per_unit = coalesce((p_patch->>'earnPointsPerUnit')::numeric, earn_points_per_unit),
    earn_min_order_cents = coalesce((p_patch->>'earnMinOrderCents')::int, earn_min_order_cents),
    point_value_cents = coalesce((p_patch->>'pointValueCents')::int, point_value_cents),
    -- The whole list is replaced (a PATCH sends the list it wants); absent leaves it as it is.
    cors_origins = case when p_patch ? 'corsOrigins'
      then array(select jsonb_array_elements_text(p_patch->'corsOrigins')) else cors_origins end,
    updated_at = now()
  where id = p_tenant returning * into t;
  perform emit_event(p_tenant, 'settings_updated', tenant_settings_json(t), p_actor);
  return tenant_settings_json(t);
end $$;
