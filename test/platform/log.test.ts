import { afterEach, describe, expect, spyOn, test } from 'bun:test';
import { log, setLogLevel } from '../../src/platform/log.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { connect } from '../../src/platform/database.ts';
import { freshDatabase } from '../support/db.ts';

describe('LOG_LEVEL', () => {
  afterEach(() => setLogLevel('info'));

  test('drops messages below the level and keeps those at or above it, on the right stream', () => {
    const out = spyOn(console, 'log').mockImplementation(() => {});
    const err = spyOn(console, 'error').mockImplementation(() => {});
    try {
      setLogLevel('warn');
      log.debug('d'); log.info('i'); log.warn('w'); log.error('e', new Error('boom'));
      expect(out.mock.calls).toEqual([]);
      expect(err.mock.calls.map((c) => c[0])).toEqual(['[tillstream] warn: w', '[tillstream] error: e']);
      out.mockClear(); err.mockClear();
      setLogLevel('debug');
      log.debug('d'); log.info('i');
      expect(out.mock.calls.map((c) => c[0])).toEqual(['[tillstream] debug: d', '[tillstream] i']);
    } finally {
      out.mockRestore(); err.mockRestore();
    }
  });

  test('the setting is validated at boot: info by default, one of debug/info/warn/error', () => {
    expect(loadConfig({}).LOG_LEVEL).toBe('info');
    expect(loadConfig({ LOG_LEVEL: 'debug' }).LOG_LEVEL).toBe('debug');
  });
});

describe('query parameters never reach the log', () => {
  test("a failed query on a pool that counts statements (the client's debug hook) logs its text, not its parameters", async () => {
    const { url } = await freshDatabase();
    let statements = 0;
    const counted = connect(url, 1, undefined, () => { statements++; });
    const printed = spyOn(console, 'error').mockImplementation(() => {});
    try {
      await counted`select 1`; // the connection's own start-up reads (types) count too: not this test's
      statements = 0;
      const failure = await counted`select ${'Ada Lovelace +447306506797'}::text, 1 / 0`.catch((e: unknown) => e);
      expect(statements).toBe(1);
      // Without log.ts's care the console would print the value: the hook makes it enumerable.
      expect(Bun.inspect(failure)).toContain('+447306506797');
      log.error('GET /x', failure);
      const shown = printed.mock.calls.map((c) => c.map((a) => Bun.inspect(a)).join(' ')).join('\n');
      expect(shown).toContain('division by zero');
      expect(shown).toContain('22012');
      expect(shown).not.toContain('+447306506797');
    } finally {
      printed.mockRestore();
      await counted.end({ timeout: 1 });
    }
  });
});
