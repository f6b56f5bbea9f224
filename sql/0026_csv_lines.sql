-- The ledger's CSV lines, written by Postgres. A 5,000,000-row export built each line in JavaScript from
-- a row object of eleven fields (one string per cell, then the cells, then the line): that churn, not
-- buffered output, is what grew the server's RSS by ~80 MB during a full-speed export. One text value
-- per row is a tenth of the objects, and Postgres was formatting every value anyway.
--
-- csv_text() is src/platform/csv.ts `csvCell` for text, kept identical by test/platform/csv.test.ts:
-- a value starting with = + - @, a tab or a carriage return is a formula to a spreadsheet ("CSV
-- injection"), so it gets a leading apostrophe; a value holding a comma, quote or line break is quoted
-- with its quotes doubled (RFC 4180); null is empty.
create function csv_text(v text) returns text language sql immutable parallel safe as $$
  select case
    when v is null then ''
    else (select case when t ~ '[",\r\n]' then '"' || replace(t, '"', '""') || '"' else t end
          from (select case when v ~ '^[=+@\t\r-]' then '''' || v else v end as t) s)
  end
$$;

-- One ledger row as its CSV line (CRLF included), in the order of LEDGER_HEADER in
-- src/customers/export.ts; createdAt in `tz` with its offset, as every export writes times (iso_at).
create function ledger_csv_line(l ledger, tz text) returns text language sql stable parallel safe as $$
  select l.id::text || ',' || l.customer_id::text || ',' || csv_text(l.type) || ',' || l.points::text || ','
    || l.balance_before::text || ',' || l.balance_after::text || ',' || csv_text(l.reason) || ','
    || csv_text(l.order_id) || ',' || coalesce(l.location_id::text, '') || ',' || csv_text(l.actor) || ','
    || iso_at(l.created_at, tz) || E'\r\n'
$$;
