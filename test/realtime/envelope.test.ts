import { describe, expect, test } from 'bun:test';
import { Envelope, envelopeSchema, outboxEvent, ResetData, resetData, toEnvelope } from '../../src/realtime/envelope.ts';
import { LoyaltyUpdated } from '../../src/customers/events.ts';

const SOHO = '4f1c2b1e-5d7a-4a8e-9c61-0b1c8f6f9a10';
const row = { id: 42, type: 'test_event', location_id: SOHO, data: { n: 1 }, actor: 'key:abc', created_at: '2026-11-23T10:00:00.000Z' };

describe('the event envelope', () => {
  test('an outbox row becomes {id, type, tenant, locationId, timestamp, data}: the id a decimal string, no actor', () => {
    const e = outboxEvent({ tenantId: 't-1', tenantSlug: 'alpha' }, row);
    expect(e).toEqual({ tenantId: 't-1', tenantSlug: 'alpha', id: 42, type: 'test_event', locationId: SOHO, data: { n: 1 }, actor: 'key:abc', createdAt: row.created_at });
    const envelope = toEnvelope(e);
    expect(envelope).toEqual({ id: '42', type: 'test_event', tenant: 'alpha', locationId: SOHO, timestamp: row.created_at, data: { n: 1 } });
    // Key order is part of the bytes every client receives.
    expect(JSON.stringify(envelope)).toBe(`{"id":"42","type":"test_event","tenant":"alpha","locationId":"${SOHO}","timestamp":"2026-11-23T10:00:00.000Z","data":{"n":1}}`);
    expect(Envelope.parse(envelope)).toEqual(envelope);
  });

  test('an event with no location carries locationId null, never leaves it out', () => {
    const envelope = toEnvelope(outboxEvent({ tenantId: 't-1', tenantSlug: 'alpha' }, { ...row, location_id: null }));
    expect(envelope.locationId).toBeNull();
    expect(JSON.stringify(envelope)).toContain('"locationId":null');
  });

  test('a type\'s envelope schema is strict about the type and its payload', () => {
    const schema = envelopeSchema('test_event', LoyaltyUpdated.pick({ reason: true }));
    const base = { id: '1', type: 'test_event', tenant: 'alpha', locationId: null, timestamp: row.created_at, data: { reason: null } };
    expect(schema.safeParse(base).success).toBe(true);
    expect(schema.safeParse({ ...base, locationId: SOHO }).success).toBe(true);
    const { locationId: _, ...withoutLocation } = base;
    expect(schema.safeParse(withoutLocation).success).toBe(false);
    expect(schema.safeParse({ ...base, type: 'other' }).success).toBe(false);
    expect(schema.safeParse({ ...base, extra: 1 }).success).toBe(false);
    expect(schema.safeParse({ ...base, data: { reason: null, extra: 1 } }).success).toBe(false);
  });

  test('a reset names one of the reasons the stream sends and the id to continue after', () => {
    expect(resetData('pruned', 17)).toEqual({ reason: 'pruned', lastEventId: '17' });
    expect(ResetData.shape.reason.options).toEqual(['pruned', 'invalid', 'future']);
    expect(ResetData.safeParse({ reason: 'gap', lastEventId: '1' }).success).toBe(false);
  });
});
