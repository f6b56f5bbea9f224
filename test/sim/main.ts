import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../../src/app.ts';
import { defaultConfig } from '../../src/platform/config.ts';
import { connect, type Sql } from '../../src/platform/database.ts';
import { startEmbeddedPostgres } from '../../src/platform/embeddedPostgres.ts';
import { migrate } from '../../src/platform/migrations.ts';
import { Hub } from '../../src/realtime/hub.ts';
import { Listener } from '../../src/realtime/listener.ts';
import { runPosSim, summary } from './posSim.ts';

// `bun run pos-sim [--terminals 4] [--seconds 20] [--writes 300] [--seed N] [--url http://127.0.0.1:3000 --database-url postgres://…]`
// With no --url it starts a throwaway embedded Postgres and a server on 127.0.0.1 in this process; with
// --url it drives that server and needs --database-url (the same database) to make its tenant and keys
// and to check the rows. It lives under test/ because it is a test tool (fault injection, direct
// database checks), not something a till ships: src/client/ stays what an integrator copies.
// Exit code 0 when every check held, 1 on any breach, 2 when it could not run.

const { values: args } = parseArgs({
  options: {
    terminals: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '20' },
    writes: { type: 'string', default: '300' },
    seed: { type: 'string' },
    url: { type: 'string' },
    'database-url': { type: 'string' },
  },
});
const num = (name: string, v: string, max: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) { console.error(`--${name} must be a whole number from 1 to ${max}`); process.exit(2); }
  return n;
};
const terminals = num('terminals', args.terminals!, 50);
const seconds = num('seconds', args.seconds!, 3600);
const writes = num('writes', args.writes!, 100_000);
const seed = args.seed ? num('seed', args.seed, 2 ** 32 - 1) : Math.floor(Math.random() * 2 ** 31);
const log = (m: string) => console.log(m);

async function ownServer() {
  const dir = await mkdtemp(join(tmpdir(), 'tillstream-pos-sim-'));
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  log(`pos-sim: starting embedded Postgres in ${dir} on port ${port}`);
  const pg = await startEmbeddedPostgres({ dir: join(dir, 'pg'), port, persistent: false, log });
  const sql = connect(pg.url, 30);
  await migrate(sql);
  const config = defaultConfig();
  const hub = new Hub({ sql, config });
  const listener = new Listener({ url: pg.url, sql, hub, config });
  await listener.start();
  hub.start();
  const app = createApp({ sql, config, hub }, { listener: () => listener.isUp() });
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: app.fetch, idleTimeout: 30 });
  return {
    baseUrl: `http://127.0.0.1:${server.port}`, sql,
    async stop() {
      hub.stop();
      await server.stop(true);
      await listener.stop();
      await sql.end({ timeout: 1 });
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let target: { baseUrl: string; sql: Sql; stop: () => Promise<void> };
if (args.url) {
  if (!args['database-url']) { console.error('--url needs --database-url (the database behind it), to make the sim\'s tenant and check its rows'); process.exit(2); }
  const sql = connect(args['database-url'], 10);
  target = { baseUrl: args.url, sql, stop: () => sql.end({ timeout: 1 }) };
} else {
  target = await ownServer();
}

let code = 2;
try {
  const report = await runPosSim({ baseUrl: target.baseUrl, sql: target.sql, terminals, seconds, maxWritesPerTerminal: writes, seed, log });
  console.log(summary(report));
  code = report.breaches.length ? 1 : 0;
} catch (err) {
  console.error(`pos-sim could not run: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await target.stop().catch(() => {});
}
process.exit(code);
