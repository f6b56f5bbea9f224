-- Admin sign-in throttle: failed attempts per tenant and email, so a password cannot be guessed at
-- the speed of the hash. Unknown emails count the same as known ones (the answer never reveals which
-- emails exist). Rows older than an hour are pruned by the maintenance loop.

create table admin_sign_in_failures (
  tenant_id uuid not null references tenants on delete cascade,
  email text not null,
  at timestamptz not null default now()
);
create index admin_sign_in_failures_key on admin_sign_in_failures (tenant_id, email, at);
