import { z } from '@hono/zod-openapi';

// The one event webhooks emit: an endpoint that kept failing for the horizon was disabled. It is the
// owner-visible record (the Activity page, the stream, other endpoints) and the seam for issue 14's
// notification centre, which can turn this event into a notification without touching delivery.

export const WebhookDisabled = z.object({
  webhookId: z.string(),
  url: z.string(),
  eventId: z.string().describe('The event that could not be delivered (the head of the queue); delivery resumes from it when re-enabled.'),
  failingSince: z.string().describe('ISO 8601: the first failed attempt at that event'),
  attempts: z.number().int(),
  reason: z.string().describe('The last attempt\'s error or response status'),
}).strict().describe('An endpoint failed for the whole retry horizon and was disabled; an owner can re-enable it (PATCH status active). Owners only.');

export const webhookEventCatalogue = { webhook_disabled: WebhookDisabled };
