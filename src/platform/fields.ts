import { z } from '@hono/zod-openapi';

// Field shapes shared by several domains' request schemas. Request schemas are strict: a field a client
// must not set (a balance, a tenant) is a 400, not silently dropped.

export const Id = z.string().uuid().openapi({ description: 'Opaque id', example: '4f1c2b1e-5d7a-4a8e-9c61-0b1c8f6f9a10' });
export const Phone = z.string().min(3).max(40).openapi({ example: '+44 7306 506797' });
export const Name = z.string().trim().min(1).max(200);
export const Email = z.string().trim().email().max(254);
export const Reason = z.string().trim().min(1).max(500);
export const OrderRef = z.string().trim().min(1).max(100);

/** `{id}` in a path, documented once. */
export const IdParam = z.object({ id: Id.openapi({ param: { name: 'id', in: 'path' } }) });

/**
 * The path of the first string inside `value` that is not well-formed Unicode (a lone surrogate, which
 * JSON can spell as "\ud800"), or null. Postgres would store it as U+FFFD, so what is kept would not be
 * what was sent: such text is refused instead, once, for every body, query and form field.
 */
export function malformedTextPath(value: unknown, path: string[] = []): string | null {
  if (typeof value === 'string') return value.isWellFormed() ? null : path.join('.') || 'body';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = malformedTextPath(value[i], [...path, String(i)]);
      if (found !== null) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const found = malformedTextPath(v, [...path, k]);
      if (found !== null) return found;
    }
  }
  return null;
}
