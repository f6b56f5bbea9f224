import type { components, paths } from '../../src/client/api.ts';

// A till written against the generated types (src/client/api.ts) with plain fetch. The contract test
// type-checks this file against types freshly generated from the served /openapi.json, so a breaking
// change (a renamed field, a path gone) fails CI before it reaches a till; it also runs it for real.
type Schemas = components['schemas'];
type Post<P extends keyof paths> = paths[P] extends { post: { requestBody?: { content: { 'application/json': infer B } } } } ? B : never;
export type Outcome<T> = { ok: true; value: T } | { ok: false; problem: Schemas['Problem'] };

export function till(baseUrl: string, apiKey: string) {
  async function call<T>(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<Outcome<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return res.ok ? { ok: true, value: (await res.json()) as T } : { ok: false, problem: (await res.json()) as Schemas['Problem'] };
  }
  return {
    lookup: (phone: string) => call<Schemas['Customer']>('GET', `/api/v1/customers/lookup?phone=${encodeURIComponent(phone)}`),
    earn: (body: Post<'/api/v1/loyalty/earn'>, key: string) => call<Schemas['EarnResult']>('POST', '/api/v1/loyalty/earn', body, key),
    redeem: (customerId: string, body: Post<'/api/v1/customers/{id}/points/redeem'>, key: string) =>
      call<Schemas['PointsResult']>('POST', `/api/v1/customers/${customerId}/points/redeem`, body, key),
    eventsAfter: (after: string) => call<Schemas['EventPage']>('GET', `/api/v1/events?after=${after}`),
  };
}

/** What the till's screen shows for an event: `type` narrows `data` to that type's payload. */
export function screenLine(e: Schemas['EventEnvelope']): string | null {
  switch (e.type) {
    case 'loyalty_updated': return `${e.data.customerPhone ?? 'customer'}: ${e.data.pointsChange} → ${e.data.newBalance} points`;
    case 'new_order': return `${e.data.orderNumber}: ${e.data.totalCents}`;
    default: return null;
  }
}
