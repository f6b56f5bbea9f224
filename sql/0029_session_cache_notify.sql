-- Admin sessions are cached in each app instance (src/identity/sessions.ts), as API keys are. Every
-- change to what a cached session holds, or to whether it lives, NOTIFYs the channel the instances'
-- listeners hear (AUTH_CHANNEL in src/identity/authCache.ts), in the changing transaction, so it is
-- delivered at commit and never for a change rolled back. A trigger rather than app code: sign-out, the
-- Team page, the CLI, the settings functions and an operator's own UPDATE in psql are all caught.
-- The app still clears its own process's caches at once (src/identity/credentialChanges.ts).
--
-- Payloads name what changed ('admin:<id>', 'tenant:<id>'): an admin's change clears the instances'
-- cached sessions, a tenant's their sessions and keys (Hub.credentialsChanged). Postgres folds
-- identical payloads in one transaction into one notification (a deactivation that deletes ten
-- sessions wakes each instance once).

-- One function for every trigger below: its arguments are the payload's prefix and the column of the
-- old row (the row as it was, which a delete still has) that names what changed.
create function notify_auth_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('tillstream_auth', tg_argv[0] || ':' || (to_jsonb(old) ->> tg_argv[1]));
  return null;
end $$;

-- A session signed out, ended with its admin, or expired early. Deleting a session already expired
-- (sign-in sweeps an admin's old ones) says nothing: no instance trusts a cached session past its
-- expires_at. The sliding touch (last_seen_at, expires_at moved later) is not a change either.
create trigger admin_sessions_auth_change after delete on admin_sessions
  for each row when (old.expires_at > now()) execute function notify_auth_change('admin', 'admin_id');
create trigger admin_sessions_auth_shortened after update on admin_sessions
  for each row when (new.expires_at < old.expires_at or new.csrf_token is distinct from old.csrf_token
    or new.admin_id is distinct from old.admin_id or new.tenant_id is distinct from old.tenant_id
    or new.token_hash is distinct from old.token_hash)
  execute function notify_auth_change('admin', 'admin_id');

-- What a session carries of its admin: access, role, site limit, picked site, one-time password flag
-- (and the password, though whoever changes it also ends the sessions that should end).
create trigger admins_auth_change after update on admins
  for each row when (new.deactivated_at is distinct from old.deactivated_at or new.role is distinct from old.role
    or new.location_id is distinct from old.location_id or new.chosen_location_id is distinct from old.chosen_location_id
    or new.password_must_change is distinct from old.password_must_change
    or new.password_hash is distinct from old.password_hash
    or new.email is distinct from old.email or new.tenant_id is distinct from old.tenant_id)
  execute function notify_auth_change('admin', 'id');

-- What a session (and a cached API key) carries of its tenant. Other settings (earn rule, CORS
-- origins, expiry bookkeeping) are read per request, so they say nothing.
create trigger tenants_auth_change after update on tenants
  for each row when (new.name is distinct from old.name or new.currency is distinct from old.currency
    or new.time_zone is distinct from old.time_zone or new.slug is distinct from old.slug
    or new.default_country is distinct from old.default_country)
  execute function notify_auth_change('tenant', 'id');
