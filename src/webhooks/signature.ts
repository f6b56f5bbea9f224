import { createHmac, timingSafeEqual } from 'node:crypto';

// The signature every delivery carries, as the README's verification recomputes it:
// `Tillstream-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. Signing the timestamp
// with the body lets a receiver refuse replays of an old delivery.

export function sign(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does (tests use it): true when the header is the signature of this timestamp and body. */
export function verify(secret: string, timestamp: string, body: string, header: string): boolean {
  const expected = Buffer.from(sign(secret, Number(timestamp), body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The headers of one delivery of one event. */
export function deliveryHeaders(secret: string, eventId: number, body: string, now = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'tillstream-webhooks/1',
    'tillstream-event-id': String(eventId),
    'tillstream-timestamp': String(timestamp),
    'tillstream-signature': sign(secret, timestamp, body),
  };
}
