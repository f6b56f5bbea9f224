-- Editing a customer with optimistic concurrency (issue 12, item 1).
--
-- `version` versions the editable profile (name, email, phone, birthday, marketing opt-in, note): the
-- API's ETag is it, an edit names the version it was based on, and only customer_edit() bumps it.
-- Points moving do not bump it: a till earning points must not turn an operator's open form stale.

alter table customers
  add column version integer not null default 1,
  add column birthday date check (birthday between date '1900-01-01' and date '9999-12-31'),
  add column marketing_opt_in boolean not null default false,
  add column note text check (length(note) <= 1000);

create or replace function customer_json(c customers) returns jsonb language sql stable as $$
  select jsonb_build_object(
    'id', c.id, 'phone', c.phone, 'name', c.name, 'email', c.email,
    'birthday', to_char(c.birthday, 'YYYY-MM-DD'), 'marketingOptIn', c.marketing_opt_in, 'note', c.note,
    'version', c.version,
    'pointsBalance', c.points_balance, 'totalPointsEarned', c.total_points_earned,
    'totalPointsRedeemed', c.total_points_redeemed, 'createdAt', iso(c.created_at), 'updatedAt', iso(c.updated_at))
$$;

-- Who changed what, when: one row per edit that changed something, `changes` being
-- {field: {from, to}} in the API's field names. Append-only, like the ledger.
create table customer_edits (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity,
  tenant_id uuid not null references tenants on delete cascade,
  customer_id uuid not null references customers on delete cascade,
  version integer not null,
  changes jsonb not null,
  actor text,
  location_id uuid default current_location(),
  created_at timestamptz not null default now()
);
create index customer_edits_customer_seq on customer_edits (customer_id, seq desc);

create function customer_edit_json(e customer_edits) returns jsonb language sql stable as $$
  select jsonb_build_object('id', e.id, 'customerId', e.customer_id, 'version', e.version, 'changes', e.changes,
    'locationId', e.location_id, 'createdAt', iso(e.created_at))
$$;

-- The one edit. Locks the row, compares the version the caller read (null: If-Match *), applies the
-- fields present in p_patch (keys in the API's names, phone already normalised), records the history
-- row and emits customer_updated, all in the caller's transaction. A stale version is 412 with the
-- current customer in `current`; a phone another customer has is 409 customer_exists. An edit that
-- changes nothing writes nothing and keeps the version.
create function customer_edit(p_tenant uuid, p_customer uuid, p_version integer, p_patch jsonb, p_actor text)
returns jsonb language plpgsql as $$
declare
  c customers;
  n customers;
  v_changes jsonb := '{}';
  v_other uuid;
  f text;
begin
  select * into c from customers where id = p_customer and tenant_id = p_tenant for update;
  if c.id is null then
    perform raise_domain(404, 'not_found', 'Customer not found.');
  end if;
  if p_version is not null and p_version <> c.version then
    perform raise_domain(412, 'precondition_failed',
      'Someone else changed this customer since you read it; here is the customer as it is now.',
      jsonb_build_object('current', customer_json(c)));
  end if;

  n := c;
  if p_patch ? 'name' then n.name := p_patch->>'name'; end if;
  if p_patch ? 'email' then n.email := p_patch->>'email'; end if;
  if p_patch ? 'phone' then n.phone := p_patch->>'phone'; end if;
  if p_patch ? 'birthday' then n.birthday := (p_patch->>'birthday')::date; end if;
  if p_patch ? 'marketingOptIn' then n.marketing_opt_in := (p_patch->>'marketingOptIn')::boolean; end if;
  if p_patch ? 'note' then n.note := p_patch->>'note'; end if;

  if n.phone is distinct from c.phone then
    select id into v_other from customers where tenant_id = p_tenant and phone = n.phone and id <> c.id;
    if v_other is not null then
      perform raise_domain(409, 'customer_exists', 'Another customer already has phone ' || n.phone || '.',
        jsonb_build_object('customerId', v_other));
    end if;
  end if;

  foreach f in array array['name', 'email', 'phone', 'birthday', 'marketingOptIn', 'note'] loop
    if customer_json(c)->f is distinct from customer_json(n)->f then
      v_changes := v_changes || jsonb_build_object(f, jsonb_build_object('from', customer_json(c)->f, 'to', customer_json(n)->f));
    end if;
  end loop;
  if v_changes = '{}' then
    return customer_json(c);
  end if;

  begin
    update customers set name = n.name, email = n.email, phone = n.phone, birthday = n.birthday,
      marketing_opt_in = n.marketing_opt_in, note = n.note, version = c.version + 1, updated_at = now()
    where id = c.id returning * into c;
  exception when unique_violation then
    -- An enrolment of the same phone committed between the check above and here.
    perform raise_domain(409, 'customer_exists', 'Another customer already has phone ' || n.phone || '.');
  end;

  insert into customer_edits (tenant_id, customer_id, version, changes, actor)
  values (p_tenant, c.id, c.version, v_changes, p_actor);

  perform emit_event(p_tenant, 'customer_updated', jsonb_build_object(
    'customer', customer_json(c), 'changes', v_changes, 'actor', p_actor), p_actor);
  return customer_json(c);
end $$;
