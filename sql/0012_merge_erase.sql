-- Merging duplicate customers and erasing a customer on request (issue 12, items 2 and 3).
--
-- Lock order: both functions lock every customer row they touch in one statement ordered by id,
-- before any emit_event, so a merge of A into B and a merge of B into A (or an erase racing a merge)
-- queue on the first row instead of deadlocking (sql/0002 "Lock order": customer before the counter).

-- A merged duplicate points at its survivor; an erased customer keeps its row (the ledger needs it)
-- with no personal data. An erased customer's phone is null, which frees the number to enrol again.
alter table customers
  add column merged_into uuid references customers,
  add column merged_at timestamptz,
  add column erased_at timestamptz,
  alter column phone drop not null;
create index customers_merged_into on customers (merged_into) where merged_into is not null;

-- The phones of merged duplicates, so lookups of an old number find the survivor. The duplicate gives
-- up its phone (customers.phone is null once merged), so the number is not held twice.
create table customer_phone_aliases (
  tenant_id uuid not null references tenants on delete cascade,
  phone text not null check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  customer_id uuid not null references customers on delete cascade,
  created_at timestamptz not null default now(),
  primary key (tenant_id, phone)
);
create index customer_phone_aliases_customer on customer_phone_aliases (customer_id);

-- Every string in a JSON document equal to one of `vals` becomes null; the shape stays. plpgsql so the
-- recursive call is resolved at run time.
create function jsonb_scrub(j jsonb, vals text[]) returns jsonb language plpgsql immutable as $$
begin
  case jsonb_typeof(j)
    when 'object' then
      return (select coalesce(jsonb_object_agg(k, jsonb_scrub(v, vals)), '{}'::jsonb) from jsonb_each(j) as e(k, v));
    when 'array' then
      return (select coalesce(jsonb_agg(jsonb_scrub(v, vals) order by i), '[]'::jsonb)
              from jsonb_array_elements(j) with ordinality as a(v, i));
    when 'string' then
      return case when (j #>> '{}') = any(vals) then 'null'::jsonb else j end;
    else
      return j;
  end case;
end $$;

-- Merge ---------------------------------------------------------------------------------------------
-- Folds p_duplicate into p_survivor: its points move as a pair of 'adjust' rows (out of the duplicate,
-- into the survivor) through apply_points, so both ledgers still add up (I1) and each row is balanced
-- (I4). Lifetime totals (earned, redeemed) stay where they were earned: they are history, not balance.
-- Orders and open reconciliation items are re-pointed; the duplicate's own merged duplicates and phone
-- aliases follow it; a name or email the survivor lacks is taken from the duplicate.
create function customer_merge(p_tenant uuid, p_survivor uuid, p_duplicate uuid, p_actor text)
returns jsonb language plpgsql as $$
declare
  s customers;
  d customers;
  r customers;
  v_points integer;
begin
  if p_survivor = p_duplicate then
    perform raise_domain(400, 'validation_failed', 'A customer cannot be merged into itself.');
  end if;
  -- sql/0002's lock order: orders, then reconciliation items, then customers; no event until all are held.
  perform 1 from orders where tenant_id = p_tenant and customer_id = p_duplicate order by id for no key update;
  perform 1 from reconciliation_queue where tenant_id = p_tenant and customer_id = p_duplicate and resolved_at is null
    order by id for update;
  for r in select * from customers where tenant_id = p_tenant and id in (p_survivor, p_duplicate) order by id for update loop
    if r.id = p_survivor then s := r; else d := r; end if;
  end loop;
  if s.id is null or d.id is null then
    perform raise_domain(404, 'not_found', 'Customer not found.');
  end if;
  if s.merged_into is not null or d.merged_into is not null then
    perform raise_domain(409, 'already_merged', 'That customer was already merged into another.',
      jsonb_build_object('customerId', coalesce(d.merged_into, s.merged_into)));
  end if;
  if s.erased_at is not null or d.erased_at is not null then
    perform raise_domain(409, 'customer_erased', 'An erased customer cannot be merged.');
  end if;

  update orders set customer_id = s.id where tenant_id = p_tenant and customer_id = d.id;
  update reconciliation_queue set customer_id = s.id where tenant_id = p_tenant and customer_id = d.id and resolved_at is null;
  update customers set merged_into = s.id where tenant_id = p_tenant and merged_into = d.id;
  update customer_phone_aliases set customer_id = s.id where tenant_id = p_tenant and customer_id = d.id;
  update customers set phone = null, merged_into = s.id, merged_at = now(), updated_at = now() where id = d.id;
  -- The number is free once the duplicate gave it up (unique (tenant_id, phone)); now it names the survivor.
  insert into customer_phone_aliases (tenant_id, phone, customer_id) values (p_tenant, d.phone, s.id)
    on conflict (tenant_id, phone) do update set customer_id = excluded.customer_id;
  update customers set name = coalesce(name, d.name), email = coalesce(email, d.email), updated_at = now() where id = s.id;

  v_points := d.points_balance;
  if v_points > 0 then
    perform apply_points(p_tenant, d.id, 'adjust', -v_points, 'Merged into customer ' || s.id, null, p_actor);
    perform apply_points(p_tenant, s.id, 'adjust', v_points, 'Merged from customer ' || d.id, null, p_actor);
  end if;

  select * into s from customers where id = s.id;
  perform emit_event(p_tenant, 'customer_merged', jsonb_build_object(
    'customerId', s.id, 'duplicateId', d.id, 'pointsMoved', v_points, 'customer', customer_json(s)), p_actor);
  return customer_json(s);
end $$;

-- Erase ---------------------------------------------------------------------------------------------
-- Removes a person and keeps the money true. Choice: the points balance is WRITTEN OFF with an
-- 'adjust' row ("Erased on request: balance written off") rather than refusing a non-zero balance: a
-- guest asking to be forgotten should not first have to spend points at the counter, and the ledger
-- records exactly what was forfeited (I1 holds). Ledger rows stay; they carry no name, phone or email.
-- The customer and any duplicates merged into it lose name, email, phone, birthday and note, and the
-- values in their edit history (sql/0011); their phone aliases go; their orders lose the name and phone they were
-- placed under; every stored event and idempotent response of the tenant that held one of those
-- values has it replaced by null. Erasing an erased customer changes nothing and answers the same.
create function customer_erase(p_tenant uuid, p_customer uuid, p_actor text)
returns jsonb language plpgsql as $$
declare
  c customers;
  v_ids uuid[];
  v_vals text[];
begin
  perform 1 from orders where tenant_id = p_tenant and customer_id in
    (select id from customers where tenant_id = p_tenant and (id = p_customer or merged_into = p_customer))
    order by id for no key update;
  select array_agg(id order by id) into v_ids from (
    select id from customers where tenant_id = p_tenant and (id = p_customer or merged_into = p_customer)
    order by id for update) x;
  select * into c from customers where tenant_id = p_tenant and id = p_customer;
  if c.id is null then
    perform raise_domain(404, 'not_found', 'Customer not found.');
  end if;
  if c.merged_into is not null then
    perform raise_domain(409, 'already_merged', 'This customer was merged into another: erase that one.',
      jsonb_build_object('customerId', c.merged_into));
  end if;
  if c.erased_at is not null then
    return customer_json(c);
  end if;

  -- Every value that names the person, wherever it was copied.
  select array_agg(distinct v) into v_vals from (
    select unnest(array[name, email, phone]) as v from customers where id = any(v_ids)
    union select phone from customer_phone_aliases where customer_id = any(v_ids)
    union select unnest(array[customer_name, customer_phone]) from orders where tenant_id = p_tenant and customer_id = any(v_ids)
    union select unnest(array[birthday::text, note]) from customers where id = any(v_ids)
    -- what the edit history says they were called, reached, or noted as before (sql/0011)
    union select g.value #>> '{}' from customer_edits e, jsonb_each(e.changes) f, jsonb_each(f.value) g
      where e.customer_id = any(v_ids) and jsonb_typeof(g.value) = 'string'
  ) x where v is not null and v <> '';
  v_vals := coalesce(v_vals, '{}');

  update customers set name = null, email = null, phone = null, erased_at = now(), updated_at = now()
    where id = any(v_ids);
  update customers set birthday = null, note = null, marketing_opt_in = false where id = any(v_ids);
  -- The edit history keeps who changed what and when, but not the values any more.
  update customer_edits set changes = jsonb_scrub(changes, v_vals) where customer_id = any(v_ids);
  delete from customer_phone_aliases where customer_id = any(v_ids);
  update orders set customer_name = null, customer_phone = null where tenant_id = p_tenant and customer_id = any(v_ids);
  if cardinality(v_vals) > 0 then
    update events set data = jsonb_scrub(data, v_vals)
      where tenant_id = p_tenant and data::text like any (select '%' || v || '%' from unnest(v_vals) v);
    update idempotency_keys set response_body = jsonb_scrub(response_body, v_vals)
      where tenant_id = p_tenant and response_body::text like any (select '%' || v || '%' from unnest(v_vals) v);
  end if;

  -- After the scrub, so the write-off's loyalty_updated carries no name or phone either.
  select * into c from customers where id = p_customer;
  if c.points_balance > 0 then
    perform apply_points(p_tenant, c.id, 'adjust', -c.points_balance, 'Erased on request: balance written off', null, p_actor);
  end if;
  select * into c from customers where id = p_customer;
  perform emit_event(p_tenant, 'customer_erased', jsonb_build_object('customerId', c.id, 'mergedIds',
    to_jsonb(array(select unnest(v_ids) except select c.id))), p_actor);
  return customer_json(c);
end $$;

-- The admin merge flow's suggestions (src/customers/mergeErase.ts duplicateSuggestions): same email,
-- or same name with a similar phone, looked up by index rather than a scan of the tenant's customers.
create index customers_email_lower on customers (tenant_id, lower(email)) where email is not null;
create index customers_name_lower on customers (tenant_id, lower(name)) where name is not null;
