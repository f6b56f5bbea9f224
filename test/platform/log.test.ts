import { afterEach, describe, expect, spyOn, test } from 'bun:test';
import { log, setLogLevel } from '../../src/platform/log.ts';
import { loadConfig } from '../../src/platform/config.ts';

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
