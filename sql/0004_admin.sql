-- Admin back office: sign-in sessions stored in Postgres.
--
-- The cookie carries a random token; only its sha256 is stored, so a leaked table cannot be replayed.
-- Each session has its own CSRF token (synchronizer pattern): pages render it, htmx sends it as a
-- header, plain forms as a hidden field, and every state-changing request must echo it.

create table admin_sessions (
  token_hash text primary key,
  admin_id uuid not null references admins on delete cascade,
  tenant_id uuid not null references tenants on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index admin_sessions_admin on admin_sessions (admin_id);
create index admin_sessions_expires on admin_sessions (expires_at);
