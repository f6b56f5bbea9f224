-- Gift cards link to the customer who bought them (issue 12, items 2, 3 and 5). Until now a card named
-- its buyer only as the text typed at the till (purchased_by), so the customer page matched text, a
-- merge could not re-point cards and an erase could not find the names on them.
--
-- Lock order stays sql/0002's: customer → gift card → event counter. Issuing takes the customer row
-- FOR KEY SHARE before inserting the card; merge and erase lock the customer rows, then the cards.

-- Same tenant by construction: the link is (tenant_id, purchaser_customer_id), so a card can never
-- point at another tenant's customer, whatever the app does.
alter table customers add constraint customers_tenant_id_id unique (tenant_id, id);
alter table gift_cards
  add column purchaser_customer_id uuid,
  add foreign key (tenant_id, purchaser_customer_id) references customers (tenant_id, id),
  -- An erased buyer's card keeps its money but not the name it was sold under; it still names its
  -- buyer by the link, so a card always says who bought it one way or the other.
  alter column purchased_by drop not null,
  add constraint gift_cards_names_buyer check (purchased_by is not null or purchaser_customer_id is not null);
-- The customer page's read (src/customers/visits.ts customerGiftCards): newest first, by index.
create index gift_cards_purchaser on gift_cards (tenant_id, purchaser_customer_id, seq desc)
  where purchaser_customer_id is not null;

-- Cards sold before the link: the text the old page matched (phone, email or name, case and outer
-- spaces aside), linked only where exactly one live customer of the tenant matches it. A name two
-- customers share stays unlinked rather than guessed. Three equi-joins, each on an index.
update gift_cards g set purchaser_customer_id = m.customer_id
from (
  select card_id, min(customer_id::text)::uuid as customer_id from (
    select g2.id as card_id, c.id as customer_id from gift_cards g2
      join customers c on c.tenant_id = g2.tenant_id and c.phone = btrim(g2.purchased_by)
    union
    select g2.id, c.id from gift_cards g2
      join customers c on c.tenant_id = g2.tenant_id and lower(c.email) = lower(btrim(g2.purchased_by)) and c.email is not null
    union
    select g2.id, c.id from gift_cards g2
      join customers c on c.tenant_id = g2.tenant_id and lower(c.name) = lower(btrim(g2.purchased_by)) and c.name is not null
  ) x
  join customers c on c.id = x.customer_id and c.merged_into is null and c.erased_at is null
  group by card_id having count(distinct x.customer_id) = 1
) m
where g.id = m.card_id;

create or replace function gift_card_json(g gift_cards) returns jsonb language sql stable as $$
  select jsonb_build_object(
    'id', g.id, 'code', g.code, 'status', gift_card_status(g), 'initialCents', g.initial_cents,
    'balanceCents', g.balance_cents, 'purchasedBy', g.purchased_by, 'customerId', g.purchaser_customer_id,
    'recipientName', g.recipient_name, 'recipientEmail', g.recipient_email, 'expiresAt', iso(g.expires_at),
    'createdAt', iso(g.created_at), 'updatedAt', iso(g.updated_at))
$$;

-- Issuing gains the buyer's customer id (optional). Unknown here, or another tenant's: 404 like any
-- unknown customer. A duplicate merged away: the card goes to its survivor, as a lookup of its old
-- phone finds the survivor. An erased customer: 409 customer_erased (the card would name a person
-- who asked to be forgotten).
drop function gift_card_issue(uuid, text, integer, text, text, text, timestamptz, text);
create function gift_card_issue(p_tenant uuid, p_code text, p_amount integer, p_purchased_by text,
                                p_recipient_name text, p_recipient_email text, p_expires_at timestamptz,
                                p_customer uuid, p_actor text)
returns jsonb language plpgsql as $$
declare
  c customers;
  g gift_cards;
  a gift_card_activity;
begin
  if p_amount is null or p_amount <= 0 then
    perform raise_domain(400, 'validation_failed', 'amountCents must be a positive integer.');
  end if;
  if p_expires_at is not null and p_expires_at <= now() then
    perform raise_domain(400, 'validation_failed', 'expiresAt must be in the future.',
      jsonb_build_object('errors', jsonb_build_array(jsonb_build_object('path', 'expiresAt', 'message', 'must be in the future'))));
  end if;
  if p_customer is not null then
    select * into c from customers where tenant_id = p_tenant and id = p_customer for key share;
    -- Merges flatten chains, but the survivor may itself be merged away while this waited for it.
    while c.id is not null and c.merged_into is not null loop
      select * into c from customers where tenant_id = p_tenant and id = c.merged_into for key share;
    end loop;
    if c.id is null then
      perform raise_domain(404, 'not_found', 'Customer not found.');
    end if;
    if c.erased_at is not null then
      perform raise_domain(409, 'customer_erased', 'This customer was erased: a card cannot be issued to them.');
    end if;
  end if;
  insert into gift_cards (tenant_id, code, initial_cents, balance_cents, purchased_by, recipient_name, recipient_email,
                          expires_at, purchaser_customer_id)
  values (p_tenant, p_code, p_amount, 0, p_purchased_by, p_recipient_name, p_recipient_email, p_expires_at, c.id)
  returning * into g;
  -- 'Issued', no longer 'Issued to <buyer>': the card row names its buyer, and append-only history
  -- should not hold a copy of a name that an erasure has to reach.
  a := gift_card_apply(g.id, 'issue', p_amount, null, 'Issued', p_actor);
  select * into g from gift_cards where id = g.id;
  perform emit_event(p_tenant, 'gift_card_purchased', jsonb_build_object(
    'giftCardId', g.id, 'maskedCode', gift_card_masked(g), 'initialCents', g.initial_cents,
    'balanceCents', g.balance_cents, 'purchasedBy', g.purchased_by, 'customerId', g.purchaser_customer_id,
    'recipientName', g.recipient_name, 'recipientEmail', g.recipient_email, 'expiresAt', iso(g.expires_at),
    'activityId', a.id), p_actor);
  return gift_card_json(g);
end $$;

-- I3 for gift cards, with the one exception erasure needs: cards issued before this release have
-- activity rows whose reason says 'Issued to <buyer>'. customer_erase (below), and nothing else, sets
-- tillstream.erasing for its transaction and may then blank a row's reason; every other column (the
-- money, the card, when, who) must stay exactly as it was. A trigger guards against mistakes in the
-- app, not against a database owner, who could drop it anyway.
create function gift_card_activity_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and current_setting('tillstream.erasing', true) = 'on'
     and (to_jsonb(new) - 'reason') = (to_jsonb(old) - 'reason') then
    return new;
  end if;
  raise exception 'ledger rows are append-only: write a correcting row instead' using errcode = '42501';
end $$;
drop trigger gift_card_activity_no_update on gift_card_activity;
create trigger gift_card_activity_no_update before update or delete on gift_card_activity
  for each row execute function gift_card_activity_guard();

-- Merge and erase, again, now that cards know their buyer: a merge re-points the duplicate's cards to
-- the survivor; an erase scrubs buyer and recipient from the customer's cards (and the events and
-- stored responses that copied them) while balances and activity rows stay as they were.

create or replace function customer_merge(p_tenant uuid, p_survivor uuid, p_duplicate uuid, p_actor text)
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
  -- The cards the duplicate bought (sql/0002 lock order: customers are held, now the cards).
  update gift_cards set purchaser_customer_id = s.id, updated_at = now() where tenant_id = p_tenant and purchaser_customer_id = d.id;
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

create or replace function customer_erase(p_tenant uuid, p_customer uuid, p_actor text)
returns jsonb language plpgsql as $$
declare
  c customers;
  v_ids uuid[];
  v_vals text[];
  v_cards uuid[];
begin
  perform 1 from orders where tenant_id = p_tenant and customer_id in
    (select id from customers where tenant_id = p_tenant and (id = p_customer or merged_into = p_customer))
    order by id for no key update;
  select array_agg(id order by id) into v_ids from (
    select id from customers where tenant_id = p_tenant and (id = p_customer or merged_into = p_customer)
    order by id for update) x;
  -- Then the cards they bought (customer before gift card, sql/0002).
  select coalesce(array_agg(id order by id), '{}') into v_cards from (
    select id from gift_cards where tenant_id = p_tenant and purchaser_customer_id = any(v_ids) order by id for no key update) y;
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
    -- the buyer and recipient named on the cards they bought (sql/0014)
    union select unnest(array[purchased_by, recipient_name, recipient_email]) from gift_cards where id = any(v_cards)
  ) x where v is not null and v <> '';
  v_vals := coalesce(v_vals, '{}');

  update customers set name = null, email = null, phone = null, erased_at = now(), updated_at = now()
    where id = any(v_ids);
  update customers set birthday = null, note = null, marketing_opt_in = false where id = any(v_ids);
  -- The edit history keeps who changed what and when, but not the values any more.
  update customer_edits set changes = jsonb_scrub(changes, v_vals) where customer_id = any(v_ids);
  delete from customer_phone_aliases where customer_id = any(v_ids);
  update orders set customer_name = null, customer_phone = null where tenant_id = p_tenant and customer_id = any(v_ids);
  -- Their cards keep code, balance and activity (the money), not the names: the issue row's reason
  -- said 'Issued to <buyer>', and any reason that is exactly one of the values goes too.
  update gift_cards set purchased_by = null, recipient_name = null, recipient_email = null, updated_at = now()
    where id = any(v_cards);
  perform set_config('tillstream.erasing', 'on', true);
  update gift_card_activity set reason = 'Issued' where gift_card_id = any(v_cards) and type = 'issue' and reason <> 'Issued';
  update gift_card_activity set reason = null where gift_card_id = any(v_cards) and reason = any(v_vals);
  perform set_config('tillstream.erasing', 'off', true);
  -- The cards' purchase events lose the names by field, whatever their spelling (the value scrub below
  -- also catches copies elsewhere, such as the stored POST /gift-cards response).
  update events set data = data || '{"purchasedBy": null, "recipientName": null, "recipientEmail": null}'::jsonb
    where tenant_id = p_tenant and type = 'gift_card_purchased' and data->>'giftCardId' = any(v_cards::text[]);
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

