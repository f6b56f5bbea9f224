import type { components } from './api.ts';
import type { Write, WriteName, WriteResults } from './writes.ts';

// A small typed client for the calls a till makes, on the types generated from /openapi.json.
// No dependency: fetch is in every runtime a till runs on (Bun, Node 18+, browsers).

type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];

/**
 * Every call ends in one of three ways. `unavailable` is "try again later, nothing was refused": the
 * network failed (the request may or may not have landed, which is why writes carry a key), the
 * service answered 503/502/504 or 429, or the same key is still in flight (409 idempotency_key_in_use).
 * `refused` is a final answer (4xx problem+json): retrying the same request cannot change it.
 */
export type Outcome<T> =
  | { kind: 'ok'; status: number; value: T; replayed: boolean }
  | { kind: 'refused'; status: number; problem: Problem }
  | { kind: 'unavailable'; reason: string; retryAfterMs: number | null };

export type ClientOptions = { baseUrl: string; apiKey: string; fetch?: typeof fetch; timeoutMs?: number };

const RETRY_LATER = new Set([429, 502, 503, 504]);

/** `Retry-After` as milliseconds (seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const s = Number(header);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function createClient(opts: ClientOptions) {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.baseUrl.replace(/\/$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;

  async function call<T>(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<Outcome<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.apiKey}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      return { kind: 'unavailable', reason: err instanceof Error ? err.message : String(err), retryAfterMs: null };
    }
    let json: any = null;
    try { json = await res.json(); } catch { /* a proxy's HTML page, or a body cut off by a dropped connection */ }
    if (res.ok && json !== null) return { kind: 'ok', status: res.status, value: json as T, replayed: res.headers.get('idempotent-replayed') === 'true' };
    if (res.ok || RETRY_LATER.has(res.status) || res.status >= 500 || json?.code === 'idempotency_key_in_use') {
      return { kind: 'unavailable', reason: `${res.status} ${json?.code ?? res.statusText}`, retryAfterMs: retryAfterMs(res.headers.get('retry-after')) };
    }
    // A 4xx that is not our problem+json (a proxy's page) is still final; it is described as invalid input.
    const problem: Problem = json && typeof json === 'object' && 'code' in json
      ? json : { type: 'about:blank', title: res.statusText, status: res.status, detail: String(json ?? ''), code: 'validation_failed' };
    return { kind: 'refused', status: res.status, problem };
  }

  const get = <T>(path: string) => call<T>('GET', path);
  const q = encodeURIComponent;

  return {
    /** Send one write (from `writes.*`) with its Idempotency-Key. Safe to repeat: it applies once. */
    send: <N extends WriteName>(w: Write<N>) => call<WriteResults[N]>('POST', w.path, w.body, w.idempotencyKey),
    lookup: (phone: string) => get<Schemas['Customer']>(`/api/v1/customers/lookup?phone=${q(phone)}`),
    customer: (id: string) => get<Schemas['Customer']>(`/api/v1/customers/${q(id)}`),
    rewardsFor: (customerId: string) => get<Schemas['CustomerRewards']>(`/api/v1/customers/${q(customerId)}/rewards`),
    giftCard: (code: string) => get<Schemas['GiftCard']>(`/api/v1/gift-cards/${q(code)}`),
    order: (id: string) => get<Schemas['Order']>(`/api/v1/orders/${q(id)}`),
    eventsAfter: (after: string, limit = 100) => get<Schemas['EventPage']>(`/api/v1/events?after=${q(after)}&limit=${limit}`),
    baseUrl: base,
    apiKey: opts.apiKey,
    fetch: doFetch,
  };
}
export type Client = ReturnType<typeof createClient>;
