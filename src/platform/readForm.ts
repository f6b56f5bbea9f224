import type { Context } from 'hono';
import { ApiError } from './errors.ts';

/**
 * The request's form, parsed once (Hono caches it, so the CSRF check and the handler share one parse).
 * A body that does not parse as the form it claims to be (a broken multipart boundary) is the sender's
 * fault: 400, never a 500.
 */
export async function readForm(c: Context) {
  try {
    return await c.req.parseBody();
  } catch {
    throw new ApiError(400, 'validation_failed', 'The form could not be read; send it again from the page.');
  }
}
