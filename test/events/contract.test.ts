import { describe, expect, test } from 'bun:test';
import { eventCatalogue } from '../../src/events/catalogue.ts';
import { EventEnvelope, envelopeComponent } from '../../src/events/envelopes.ts';
import { testApp } from '../support/app.ts';
import { burger, enrol, issueCard } from '../support/fixtures.ts';

// Event payloads are typed in /openapi.json (OpenAPI 3.1 `webhooks`, and EventEnvelope as a oneOf
// discriminated by `type`) from the same zod schemas as /asyncapi.json, so the two cannot disagree.

const t = await testApp();
const doc = (await t.anon.get('/openapi.json')).body;
const asyncapi = (await t.anon.get('/asyncapi.json')).body;
const types = Object.keys(eventCatalogue).sort();
const schemas = doc.components.schemas as Record<string, any>;

describe('event payloads in /openapi.json', () => {
  test('the top-level webhooks hold one POST per event type, its body that type\'s envelope, with the signature headers', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.webhooks).sort()).toEqual(types);
    for (const type of types) {
      const post = doc.webhooks[type].post;
      expect(post.requestBody.content['application/json'].schema).toEqual({ $ref: `#/components/schemas/${envelopeComponent(type)}` });
      expect(post.parameters.map((p: any) => `${p.in}:${p.name}`).sort())
        .toEqual(['header:tillstream-event-id', 'header:tillstream-signature', 'header:tillstream-timestamp']);
      expect(Object.keys(post.responses)).toEqual(['200']);
    }
  });

  test("each type's envelope has the same data schema as its AsyncAPI message", () => {
    for (const type of types) {
      const mine = schemas[envelopeComponent(type)];
      const theirs = asyncapi.channels.tenantEvents.messages[type].payload;
      expect({ type, enum: mine.properties.type.enum }).toEqual({ type, enum: [type] });
      expect({ type, data: Object.keys(mine.properties.data.properties ?? {}).sort() })
        .toEqual({ type, data: Object.keys(theirs.properties.data.properties ?? {}).sort() });
      expect({ type, required: [...(mine.properties.data.required ?? [])].sort() })
        .toEqual({ type, required: [...(theirs.properties.data.required ?? [])].sort() });
      expect(mine.additionalProperties).toBe(false);
    }
  });

  test('EventEnvelope is a oneOf of every type, discriminated by type; EventPage.data holds it', () => {
    const envelope = schemas.EventEnvelope;
    expect(envelope.oneOf.map((o: any) => o.$ref)).toEqual(types.map((type) => `#/components/schemas/${envelopeComponent(type)}`));
    expect(envelope.discriminator.propertyName).toBe('type');
    expect(Object.keys(envelope.discriminator.mapping).sort()).toEqual(types);
    expect(envelope.properties).toBeUndefined(); // no free map of data left
    expect(schemas.EventPage.properties.data.items).toEqual({ $ref: '#/components/schemas/EventEnvelope' });
  });

  test('every event GET /api/v1/events serves parses as the typed EventEnvelope', async () => {
    const customer = await enrol(t.a, '+447306590001', 100);
    await t.a.post(`/api/v1/customers/${customer.id}/points/redeem`, { points: 10 });
    await issueCard(t.a, 500);
    await t.a.post('/api/v1/orders', { source: 'pos', orderType: 'collection', items: [burger] });
    await t.a.patch('/api/v1/settings', { name: 'Alpha Diner 2' });
    const page = await t.a.get('/api/v1/events?limit=1000');
    expect(page.status).toBe(200);
    expect(new Set(page.body.data.map((e: any) => e.type))).toEqual(
      new Set(['customer_created', 'loyalty_updated', 'gift_card_purchased', 'new_order', 'settings_updated']));
    for (const e of page.body.data) expect({ type: e.type, ok: EventEnvelope.safeParse(e).success }).toEqual({ type: e.type, ok: true });
    // and a payload of the wrong shape for its type does not
    const loyalty = page.body.data.find((e: any) => e.type === 'loyalty_updated');
    expect(EventEnvelope.safeParse({ ...loyalty, type: 'new_order' }).success).toBe(false);
  });
});
