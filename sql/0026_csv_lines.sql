-- The ledger's CSV lines, written by Postgres. A 5,000,000-row export built each line in JavaScript from
-- a row object of eleven fields (one string per cell, then the cells, then the line): that churn, not
-- buffered output, is what grew the server's RSS during a full-speed export. One text value per row is a
-- tenth of the objects, and Postgres was formatting every value anyway.
--
-- Both functions are single expressions Postgres inlines into the export's query: per row they cost a
-- few string operations. (A first version with a sub-select and regular expressions in csv_text, and
-- iso_at()'s two zone conversions per time, ran at ~40,000 rows/s; this one at several times that.)

-- src/platform/csv.ts `csvCell` for text, kept identical by test/customers/export.test.ts: a value
-- starting with = + - @, a tab or a carriage return is a formula to a spreadsheet ("CSV injection"), so
-- it gets a leading apostrophe; a value holding a comma, quote or line break is quoted with its quotes
-- doubled (RFC 4180); null is empty.
create function csv_text(v text) returns text language sql immutable parallel safe as $$
  select case
    when v is null then ''
    when strpos(v, ',') + strpos(v, '"') + strpos(v, E'\n') + strpos(v, E'\r') > 0 then
      '"' || case when left(v, 1) in ('=', '+', '-', '@', E'\t', E'\r') then '''' else '' end || replace(v, '"', '""') || '"'
    when left(v, 1) in ('=', '+', '-', '@', E'\t') then '''' || v
    else v
  end
$$;

-- An instant as ISO 8601 in the session's time zone with its offset (2026-06-11T11:30:00.000+12:00).
-- Exports set the zone for their own transaction (set_config('TimeZone', …, true) in
-- src/platform/exportCursor.ts), so this is iso_at(ts, zone) (sql/0021) at one to_char a value.
create function iso_local(ts timestamptz) returns text language sql stable parallel safe as $$
  select to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS.MSTZH:TZM')
$$;

-- One ledger row as its CSV line (CRLF included), in the order of LEDGER_HEADER in src/customers/export.ts.
create function ledger_csv_line(l ledger) returns text language sql stable parallel safe as $$
  select l.id::text || ',' || l.customer_id::text || ',' || csv_text(l.type) || ',' || l.points::text || ','
    || l.balance_before::text || ',' || l.balance_after::text || ',' || csv_text(l.reason) || ','
    || csv_text(l.order_id) || ',' || coalesce(l.location_id::text, '') || ',' || csv_text(l.actor) || ','
    || iso_local(l.created_at) || E'\r\n'
$$;
