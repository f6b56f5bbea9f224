import { z } from '@hono/zod-openapi';
import { eventCatalogue } from './catalogue.ts';
import { envelopeSchema } from '../realtime/envelope.ts';

// The envelope as /openapi.json documents it: one schema per event type (`<Type>Event`, its `data`
// the catalogue's payload, the same zod schema /asyncapi.json is built from), and `EventEnvelope` the
// oneOf of them discriminated by `type`. A generated client narrows `data` by switching on `type`
// instead of reading a free map. GET /api/v1/events pages hold these; webhooks (./webhookDocs.ts) and
// the stream's `data:` send the same bytes.

/** `loyalty_updated` → `LoyaltyUpdatedEvent`: the component name of one type's envelope. */
export const envelopeComponent = (type: string) =>
  `${type.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}Event`;

const types = Object.keys(eventCatalogue).sort();

/** Event type → its envelope schema, registered as a component of its own. */
export const typedEnvelopes: Record<string, z.ZodObject> = Object.fromEntries(
  types.map((type) => [type, envelopeSchema(type, eventCatalogue[type]!).openapi(envelopeComponent(type), {
    description: eventCatalogue[type]!.description ?? type,
  })]),
);

const options = types.map((type) => typedEnvelopes[type]!);
if (options.length === 0) throw new Error('the event catalogue is empty');

/** Any event's envelope: a oneOf over the catalogue, discriminated by `type`. */
export const EventEnvelope = z
  .discriminatedUnion('type', [options[0]!, ...options.slice(1)])
  .openapi('EventEnvelope', { description: 'One event. Switch on `type`: each type has its own `data` (see `webhooks` for every type).' });
