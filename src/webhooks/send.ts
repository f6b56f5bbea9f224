import { refusedAddress } from './address.ts';
import { deliveryHeaders } from './signature.ts';

// One outbound POST, bounded every way a receiver could hold us: one deadline for connect + send +
// response (WEBHOOK_TIMEOUT_MS), the response body read to at most 64 KB (then cut), no redirects
// (a 3xx is a failure: following one would let a public URL bounce us to a private address).

export const RESPONSE_READ_CAP = 64 * 1024;
export const EXCERPT_CHARS = 1024;

export type Attempt = {
  succeeded: boolean;
  responseCode: number | null;
  latencyMs: number;
  error: string | null;
  bodyExcerpt: string | null;
};

export type SendOptions = { timeoutMs: number; allowPrivate: boolean };

export async function send(target: string, secret: string, eventId: number, body: string, opts: SendOptions): Promise<Attempt> {
  const started = performance.now();
  const done = (a: Omit<Attempt, 'latencyMs'>): Attempt => ({ ...a, latencyMs: Math.round(performance.now() - started) });
  const signal = AbortSignal.timeout(opts.timeoutMs);
  try {
    const url = new URL(target);
    const refused = await Promise.race([
      refusedAddress(url, opts.allowPrivate),
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
    ]);
    if (refused) return done({ succeeded: false, responseCode: null, error: refused, bodyExcerpt: null });
    const res = await fetch(url, { method: 'POST', body, headers: deliveryHeaders(secret, eventId, body), redirect: 'manual', signal });
    const text = await readCapped(res);
    const ok = res.status >= 200 && res.status < 300;
    return done({
      succeeded: ok, responseCode: res.status, bodyExcerpt: text.slice(0, EXCERPT_CHARS) || null,
      error: ok ? null : res.status >= 300 && res.status < 400 ? `redirect to ${res.headers.get('location') ?? '?'} not followed` : `HTTP ${res.status}`,
    });
  } catch (err) {
    const timedOut = signal.aborted;
    return done({ succeeded: false, responseCode: null, bodyExcerpt: null, error: timedOut ? `timed out after ${opts.timeoutMs} ms` : describe(err) });
  }
}

/** The body up to the cap; past it the stream is cancelled (a receiver cannot make us read 1 GB). */
async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < RESPONSE_READ_CAP) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (size >= RESPONSE_READ_CAP) reader.cancel().catch(() => {});
  // NUL cannot be stored in a Postgres text column; a receiver's binary answer is kept without it.
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, RESPONSE_READ_CAP)).replaceAll('\u0000', '');
}

function describe(err: unknown): string {
  const text = err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err);
  return text.slice(0, 500);
}
