import postgres from 'postgres';

export type Sql = postgres.Sql<{}>;
export type Tx = postgres.TransactionSql<{}>;
/** What a domain command or query runs on: the pool, or the transaction a door opened for it. */
export type Db = Sql | Tx;

/** The one pool of a process. Columns stay snake_case: SQL functions shape the JSON the API returns. */
export function connect(url: string, max = 10): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    // int8 (event ids, sequence numbers, counts) as JS numbers: they stay far below 2^53.
    types: {
      int8: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
    },
    connection: { TimeZone: 'UTC' },
    transform: { undefined: null },
  }) as unknown as Sql;
}
