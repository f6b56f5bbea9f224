import { describe, expect, test } from 'bun:test';
import { testApp } from '../support/app.ts';

const t = await testApp();
// A lone surrogate cannot be percent-encoded; send the invalid UTF-8 bytes a client might send instead.
const enc = (v: string) => { try { return encodeURIComponent(v); } catch { return '%ED%A0%80'; } };

// Inputs a schema lets through but Postgres may still refuse: the answer is a 4xx, never a 500.
describe('no request shape produces a 500', () => {
  const nasty = ['a\u0000b', '\ud800', '😀'.repeat(50), "'; drop table customers; --", '\\', '%_%'];
  for (const value of nasty) {
    test(`a name of ${JSON.stringify(value).slice(0, 30)} is stored or refused with a 4xx`, async () => {
      const r = await t.a.post('/api/v1/customers', { phone: `+4473065080${String(nasty.indexOf(value)).padStart(2, '0')}`, name: value });
      expect(r.status).toBeLessThan(500);
      if (r.status === 201) expect(typeof r.body.name).toBe('string');
      else expect(r.body.code).toBe('validation_failed');
      const search = await t.a.get(`/api/v1/customers?q=${enc(value.slice(0, 100))}`);
      expect(search.status).toBeLessThan(500);
      const lookup = await t.a.get(`/api/v1/customers/lookup?phone=${enc(value)}`);
      expect(lookup.status).toBe(400);
    });
  }
});
