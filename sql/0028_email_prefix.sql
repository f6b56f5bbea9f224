-- An email typed into the search box from its start ("jo7@x", any case) is a prefix of the stored email:
-- a btree range, not a trigram search (src/customers/searchNeedle.ts says why). text_pattern_ops
-- compares byte by byte, which is what a prefix range needs whatever the database's collation.
create index customers_email_prefix on customers (tenant_id, lower(email) text_pattern_ops);
