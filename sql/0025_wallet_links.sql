-- Guest wallet links (issue 14): a customer's own live view at /w/<token>, no sign-in.
--
-- The token itself is never stored: only its sha-256, so a leaked copy of this table (or a backup) opens
-- no wallet. A link is dead when it expired, was revoked (DELETE …/wallet-link revokes every link of the
-- customer), or its customer was erased or merged away: the trigger below revokes on erase and merge, and
-- the app's one lookup (src/wallet/links.ts) checks the customer's state as well, so either alone suffices.
create table wallet_links (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants on delete cascade,
  customer_id uuid not null,
  token_hash bytea not null unique check (length(token_hash) = 32),
  -- A retried POST with the same Idempotency-Key rotates this row's token instead of minting a second
  -- live link (a stored response would hold the token in the clear: see src/wallet/links.ts).
  idempotency_key text check (length(idempotency_key) <= 255),
  created_by text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  foreign key (tenant_id, customer_id) references customers (tenant_id, id) on delete cascade,
  unique (tenant_id, idempotency_key)
);
create index wallet_links_customer on wallet_links (tenant_id, customer_id) where revoked_at is null;

create function wallet_links_follow_customer() returns trigger language plpgsql as $$
begin
  if (new.erased_at is not null and old.erased_at is null) or (new.merged_into is not null and old.merged_into is null) then
    update wallet_links set revoked_at = now() where customer_id = new.id and revoked_at is null;
  end if;
  return new;
end $$;

create trigger wallet_links_follow_customer after update of erased_at, merged_into on customers
  for each row execute function wallet_links_follow_customer();

-- Mint a link for a live customer (not erased, not merged away), or, on a retried Idempotency-Key,
-- rotate the token of the link that key made (the first response may never have arrived; a second live
-- link would be one nobody holds). The key names one customer's one link: another customer, or a link
-- revoked since, is 422 idempotency_key_reused. One event, wallet_link_created, with no token in it.
create function wallet_link_mint(p_tenant uuid, p_customer uuid, p_hash bytea, p_expires timestamptz,
  p_key text, p_actor text) returns jsonb language plpgsql as $$
declare
  c customers;
  l wallet_links;
begin
  select * into c from customers where tenant_id = p_tenant and id = p_customer for share;
  if c.id is null then
    perform raise_domain(404, 'not_found', 'Customer not found.');
  end if;
  if c.merged_into is not null then
    perform raise_domain(409, 'already_merged', 'This customer was merged into another: make the link for that one.',
      jsonb_build_object('customerId', c.merged_into));
  end if;
  if c.erased_at is not null then
    perform raise_domain(409, 'customer_erased', 'An erased customer has no wallet.');
  end if;
  insert into wallet_links (tenant_id, customer_id, token_hash, idempotency_key, created_by, expires_at)
    values (p_tenant, p_customer, p_hash, p_key, p_actor, p_expires)
    on conflict (tenant_id, idempotency_key) do update
      set token_hash = excluded.token_hash, expires_at = excluded.expires_at, created_at = now()
      where wallet_links.customer_id = excluded.customer_id and wallet_links.revoked_at is null
    returning * into l;
  if l.id is null then
    perform raise_domain(422, 'idempotency_key_reused',
      'This Idempotency-Key already made a wallet link for another customer, or that link was revoked.');
  end if;
  perform emit_event(p_tenant, 'wallet_link_created', jsonb_build_object('customerId', p_customer,
    'linkId', l.id, 'expiresAt', iso(l.expires_at)), p_actor);
  return jsonb_build_object('id', l.id, 'expiresAt', iso(l.expires_at));
end $$;

-- Revoke every live link of a customer: one event, wallet_links_revoked, saying how many (none is an
-- answer too: "no link of this customer works now" is what the caller asked to be true).
create function wallet_links_revoke(p_tenant uuid, p_customer uuid, p_actor text) returns jsonb
language plpgsql as $$
declare
  v_ids uuid[];
begin
  perform 1 from customers where tenant_id = p_tenant and id = p_customer for share;
  if not found then
    perform raise_domain(404, 'not_found', 'Customer not found.');
  end if;
  with revoked as (
    update wallet_links set revoked_at = now()
      where tenant_id = p_tenant and customer_id = p_customer and revoked_at is null returning id)
  select coalesce(array_agg(id order by id), '{}') into v_ids from revoked;
  perform emit_event(p_tenant, 'wallet_links_revoked', jsonb_build_object('customerId', p_customer,
    'revoked', cardinality(v_ids)), p_actor);
  return jsonb_build_object('revoked', cardinality(v_ids), 'linkIds', to_jsonb(v_ids));
end $$;
