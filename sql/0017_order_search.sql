-- Order history (issue 13): find a past order the way staff ask for it, by its number, the customer's
-- name (accents and case folded with search_fold() of sql/0013, as the customer search is) or any
-- spelling of their phone. All three are LIKEs on the order's own snapshot of the customer, which an
-- erasure blanks (sql/0012), so an erased customer's orders are no longer found by their name. Trigram
-- indexes serve '%…%' patterns; the date range is served by orders_tenant_created (sql/0002).

create index orders_number_search on orders using gin (lower(order_number) gin_trgm_ops);
create index orders_name_search on orders using gin (search_fold(customer_name) gin_trgm_ops);
create index orders_phone_search on orders using gin (customer_phone gin_trgm_ops);
