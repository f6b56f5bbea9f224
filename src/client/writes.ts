import type { components, paths } from './api.ts';

// Every write a till makes, as plain data: an operation name, the path, the JSON body and its
// Idempotency-Key. Being data (not a closure) is what lets the offline queue store a write durably,
// replay it after a restart, and send it with the same key, so the server applies it exactly once.

type Schemas = components['schemas'];
type JsonBody<P extends keyof paths> = paths[P] extends { post: { requestBody: { content: { 'application/json': infer B } } } } ? B : never;

/** What each write answers on success, by operation name (from the generated contract). */
export type WriteResults = {
  enrol: Schemas['Customer'];
  earn: Schemas['EarnResult'];
  addPoints: Schemas['PointsResult'];
  redeemPoints: Schemas['PointsResult'];
  redeemReward: Schemas['RewardRedemption'];
  checkout: Schemas['Order'];
  setOrderStatus: Schemas['Order'];
  issueGiftCard: Schemas['GiftCard'];
  redeemGiftCard: Schemas['GiftCardRedeemResult'];
};
export type WriteName = keyof WriteResults;

export type Write<N extends WriteName = WriteName> = {
  op: N;
  path: string;
  body: unknown;
  idempotencyKey: string;
};
export type AnyWrite = { [N in WriteName]: Write<N> }[WriteName];

const key = (given?: string) => given ?? crypto.randomUUID();
const seg = encodeURIComponent;

function write<N extends WriteName>(op: N, path: string, body: unknown, idempotencyKey?: string): Write<N> {
  return { op, path, body, idempotencyKey: key(idempotencyKey) };
}

/**
 * Builders for each write. The key is made here, once, when the till decides to do something: a
 * retry or a replay reuses it, never a new one (a new key would be a second sale).
 */
export const writes = {
  enrol: (body: JsonBody<'/api/v1/customers'>, idempotencyKey?: string) =>
    write('enrol', '/api/v1/customers', body, idempotencyKey),
  earn: (body: JsonBody<'/api/v1/loyalty/earn'>, idempotencyKey?: string) =>
    write('earn', '/api/v1/loyalty/earn', body, idempotencyKey),
  addPoints: (customerId: string, body: JsonBody<'/api/v1/customers/{id}/points/add'>, idempotencyKey?: string) =>
    write('addPoints', `/api/v1/customers/${seg(customerId)}/points/add`, body, idempotencyKey),
  redeemPoints: (customerId: string, body: JsonBody<'/api/v1/customers/{id}/points/redeem'>, idempotencyKey?: string) =>
    write('redeemPoints', `/api/v1/customers/${seg(customerId)}/points/redeem`, body, idempotencyKey),
  redeemReward: (customerId: string, rewardId: string, body: JsonBody<'/api/v1/customers/{id}/rewards/{rewardId}/redeem'> = {}, idempotencyKey?: string) =>
    write('redeemReward', `/api/v1/customers/${seg(customerId)}/rewards/${seg(rewardId)}/redeem`, body, idempotencyKey),
  checkout: (body: JsonBody<'/api/v1/orders'>, idempotencyKey?: string) =>
    write('checkout', '/api/v1/orders', body, idempotencyKey),
  setOrderStatus: (orderId: string, body: JsonBody<'/api/v1/orders/{id}/status'>, idempotencyKey?: string) =>
    write('setOrderStatus', `/api/v1/orders/${seg(orderId)}/status`, body, idempotencyKey),
  issueGiftCard: (body: JsonBody<'/api/v1/gift-cards'>, idempotencyKey?: string) =>
    write('issueGiftCard', '/api/v1/gift-cards', body, idempotencyKey),
  redeemGiftCard: (code: string, body: JsonBody<'/api/v1/gift-cards/{code}/redeem'>, idempotencyKey?: string) =>
    write('redeemGiftCard', `/api/v1/gift-cards/${seg(code)}/redeem`, body, idempotencyKey),
};
