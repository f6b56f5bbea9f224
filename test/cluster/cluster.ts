import type { Subprocess } from 'bun';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haproxyConfig } from './haproxyConfig.ts';

// N real `bun src/main.ts` processes on 127.0.0.1, one shared Postgres, and Debian's HAProxy in front:
// the deployment the README describes, small enough for one machine. It lives under test/ (not in
// src/cli.ts) because it is tooling around the service, not part of it: it needs the haproxy binary,
// spawns processes and writes temp files, none of which a production instance should carry.
//
//   bun test/cluster/cluster.ts [instances=3]      (DATABASE_URL, or an embedded Postgres per instance 1)

export type Instance = { name: string; port: number; proc: Subprocess | null; log: string };
export type Cluster = {
  /** HAProxy's frontend: what every client talks to. */
  base: string;
  dir: string;
  instances: Instance[];
  /** A deploy of one instance: SIGTERM, wait for it to exit, start it, wait until HAProxy has it UP again. */
  restart(i: number): Promise<{ exitCode: number | null }>;
  stop(): Promise<void>;
  /** How many times HAProxy's health check took each instance out of rotation (its `chkdown`). */
  checksDown(): Promise<Record<string, number>>;
};

/** A port free on 127.0.0.1 right now (the kernel picks it; we close it at once and hand the number on). */
export function freePort(): number {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

async function waitReady(base: string, what: string, ms = 60_000, proc?: Subprocess | null) {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (ok) return;
    if (proc && proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode} before it was ready`);
    if (Date.now() > end) throw new Error(`${what} was not ready within ${ms} ms`);
    await Bun.sleep(100);
  }
}

/** Start `instances` app processes on `databaseUrl` and HAProxy in front of them. */
export async function startCluster(opts: {
  instances: number; databaseUrl: string; env?: Record<string, string>; haproxy?: string;
}): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tillstream-cluster-'));
  const instances: Instance[] = Array.from({ length: opts.instances }, (_, i) => ({
    name: `app${i + 1}`, port: freePort(), proc: null, log: join(dir, `app${i + 1}.log`),
  }));
  let generation = 0;
  const spawn = (inst: Instance) => {
    generation++;
    inst.proc = Bun.spawn(['bun', 'src/main.ts'], {
      cwd: join(import.meta.dir, '../..'),
      env: {
        ...process.env as Record<string, string>,
        DATABASE_URL: opts.databaseUrl, HOST: '127.0.0.1', PORT: String(inst.port), SEED_DEMO: 'false',
        LOG_LEVEL: 'warn', ...opts.env,
      },
      // Appended per generation, so a restart's log follows the previous run's.
      stdout: Bun.file(`${inst.log}.${generation}`), stderr: Bun.file(`${inst.log}.${generation}.err`),
    });
  };
  const front = freePort();
  const statsPort = freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyConfig({ port: front, statsPort, servers: instances.map((s) => ({ name: s.name, port: s.port })) }));
  /** Wait until HAProxy itself has `name` in rotation (status UP), as a deploy must before the next step. */
  const inRotation = async (name: string, ms = 30_000) => {
    const end = Date.now() + ms;
    for (;;) {
      const csv = await fetch(`http://127.0.0.1:${statsPort}/stats;csv`).then((r) => r.text(), () => '');
      const row = csv.split('\n').find((l) => l.startsWith(`app,${name},`));
      if (row?.split(',')[17] === 'UP') return;
      if (Date.now() > end) throw new Error(`${name} not UP in HAProxy within ${ms} ms: ${row}`);
      await Bun.sleep(100);
    }
  };
  let haproxy: Subprocess | null = null;
  const stop = async () => {
    haproxy?.kill('SIGTERM');
    for (const s of instances) s.proc?.kill('SIGTERM');
    const all = Promise.all([haproxy?.exited, ...instances.map((s) => s.proc?.exited)]);
    // Bounded: past the instances' own grace, whatever is left is killed.
    if (await Promise.race([all.then(() => true), Bun.sleep(20_000).then(() => false)]) === false) {
      haproxy?.kill('SIGKILL');
      for (const s of instances) s.proc?.kill('SIGKILL');
      await all;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // One at a time on first boot: the first migrates, the others find nothing to do.
    for (const inst of instances) {
      spawn(inst);
      await waitReady(`http://127.0.0.1:${inst.port}`, inst.name, 60_000, inst.proc);
    }
    // -db: stay in the foreground (we own the process and its exit); -W: master-worker, clean SIGTERM.
    haproxy = Bun.spawn([opts.haproxy ?? 'haproxy', '-W', '-db', '-f', cfg], { stdout: 'ignore', stderr: Bun.file(join(dir, 'haproxy.err')) });
    await waitReady(`http://127.0.0.1:${front}`, 'haproxy', 20_000, haproxy).catch(async (err) => {
      throw new Error(`${(err as Error).message}: ${await Bun.file(join(dir, 'haproxy.err')).text().catch(() => '')}`);
    });
    for (const inst of instances) await inRotation(inst.name);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    base: `http://127.0.0.1:${front}`, dir, instances, stop,
    async checksDown() {
      const [head, ...rows] = (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`).then((r) => r.text())).split('\n');
      const col = head.replace(/^# /, '').split(',').indexOf('chkdown');
      return Object.fromEntries(rows.filter((l) => l.startsWith('app,') && !l.startsWith('app,BACKEND')).map((l) => [l.split(',')[1], Number(l.split(',')[col])]));
    },
    async restart(i) {
      const inst = instances[i];
      inst.proc!.kill('SIGTERM');
      const exitCode = await inst.proc!.exited;
      spawn(inst);
      await waitReady(`http://127.0.0.1:${inst.port}`, inst.name, 60_000, inst.proc);
      await inRotation(inst.name);
      return { exitCode };
    },
  };
}

if (import.meta.main) {
  const n = Number(process.argv[2] ?? 3);
  let url = process.env.DATABASE_URL;
  let stopDb = async () => {};
  if (!url) {
    const { startEmbeddedPostgres } = await import('../../src/platform/embeddedPostgres.ts');
    const pgDir = mkdtempSync(join(tmpdir(), 'tillstream-cluster-pg-'));
    const pg = await startEmbeddedPostgres({ dir: pgDir, port: freePort(), persistent: false });
    url = pg.url;
    stopDb = async () => { await pg.stop(); rmSync(pgDir, { recursive: true, force: true }); };
  }
  const cluster = await startCluster({ instances: n, databaseUrl: url });
  console.log(`${n} instances behind HAProxy at ${cluster.base}  (config: ${cluster.dir}/haproxy.cfg; Ctrl-C stops all)`);
  for (const s of cluster.instances) console.log(`  ${s.name}: http://127.0.0.1:${s.port}  log ${s.log}.*`);
  const done = async () => { await cluster.stop(); await stopDb(); process.exit(0); };
  process.on('SIGINT', done);
  process.on('SIGTERM', done);
}
