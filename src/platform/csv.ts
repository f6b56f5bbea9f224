// CSV for exports (RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a comma,
// quote or line break, its quotes doubled), streamed so memory stays flat whatever the row count.
//
// A text cell that begins with = + - @, a tab or a carriage return is a formula to Excel, LibreOffice
// and Google Sheets ("CSV injection": a customer named =HYPERLINK(...) runs when staff open the file),
// so such a cell gets a leading apostrophe, which spreadsheets show as text. Numbers are written as
// they are: a negative points figure stays a number.

export type Cell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * A CSV body from batches of rows (a `postgres` cursor): the header, then one chunk per batch, each
 * row written by `line` (csvLine of its cells, or a line Postgres wrote: sql/0026_csv_lines.sql), each
 * fetched only when the reader asks for more, so at most one batch is held however long the export.
 * The first batch is read before the stream is handed back, so a query that fails at once (the
 * database is down) is still a problem response, not a broken download. A reader that goes away
 * cancels the stream, which ends the cursor and frees its connection.
 */
export async function csvStream<R>(
  header: readonly string[], batches: AsyncIterable<readonly R[]>, line: (row: R) => string,
): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  const it = batches[Symbol.asyncIterator]();
  let next: IteratorResult<readonly R[]> | null = await it.next();
  // The batch being fetched, if any. The cursor closes only between batches (postgres' return() answers
  // the batch it last handed out), so a reader that leaves mid-fetch waits for that batch, then closes:
  // otherwise the portal stays suspended and its connection is never given back to the pool.
  let fetching: Promise<unknown> | null = null;
  let cancelled = false;
  const chunk = (rows: readonly R[]) => encoder.encode(rows.map(line).join(''));
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(header)));
    },
    async pull(controller) {
      const batch = next ? Promise.resolve(next) : it.next();
      next = null;
      fetching = batch;
      const result = await batch;
      fetching = null;
      if (cancelled) return;
      if (result.done) controller.close();
      else controller.enqueue(chunk(result.value));
    },
    async cancel() {
      cancelled = true;
      if (fetching) await fetching.catch(() => undefined);
      await it.return?.();
    },
  }, { highWaterMark: 1 });
}
