import { describe, expect, test } from 'bun:test';
import { testApp } from './support/app.ts';

const t = await testApp();

describe('smoke', () => {
  test('enrol then redeem', async () => {
    const r = await t.a.post('/api/v1/customers', { phone: '+44 7306 506797', name: 'John' });
    expect(r.status).toBe(201);
    const id = r.body.id;
    const add = await t.a.post(`/api/v1/customers/${id}/points/add`, { points: 100 });
    expect(add.status).toBe(200);
    const red = await t.a.post(`/api/v1/customers/${id}/points/redeem`, { points: 150 });
    expect(red.status).toBe(409);
    console.log(red.body);
  });
});
