-- Find customers the way staff type (issue 12): names without regard to accents or case, and phone
-- numbers in any spelling. Phones are E.164 ('+' then digits only), so a trigram index on phone serves
-- both a partial number anywhere ('%506797%') and a national or international spelling turned into a
-- prefix by the app ('+447306%'); no second phone column is needed. Names and emails are folded once,
-- at write time, into search_text, so the query folds only the needle.

create extension if not exists unaccent;

-- unaccent() is only STABLE (it reads a dictionary found through search_path), so it cannot feed a
-- generated column. Naming the extension's own schema and dictionary makes the result depend on the
-- text alone, which is what IMMUTABLE promises; the schema is looked up because an existing install
-- may have put the extension anywhere.
do $$
declare s text;
begin
  select n.nspname into s from pg_extension e join pg_namespace n on n.oid = e.extnamespace
    where e.extname = 'unaccent';
  execute format(
    'create function search_fold(t text) returns text language sql immutable parallel safe strict as %L',
    format('select lower(%I.unaccent(%L::regdictionary, t))', s, s || '.unaccent'));
end $$;

-- Replaced under the same name, so any reader of search_text keeps working; it no longer holds the
-- phone, which has its own index below.
drop index customers_search;
alter table customers drop column search_text;
alter table customers add column search_text text
  generated always as (search_fold(coalesce(name, '') || ' ' || coalesce(email, ''))) stored;
create index customers_search on customers using gin (search_text gin_trgm_ops);
create index customers_phone_search on customers using gin (phone gin_trgm_ops);
