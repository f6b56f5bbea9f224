import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError, toProblem } from '../platform/errors.ts';
import { malformedTextPath } from '../platform/fields.ts';
import { malformedText } from '../platform/openapi.ts';
import { readForm } from '../platform/readForm.ts';

// Admin forms speak strings; the domain speaks its zod schemas. A page maps its fields onto the same
// schema the API validates with, and the schema's messages come back as inline errors keyed by field.

export type FieldErrors = Record<string, string>;

/** Form fields as strings (files and repeated fields are not used by these forms). */
export async function formFields(c: Context): Promise<Record<string, string>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the form as application/x-www-form-urlencoded.');
  }
  const body = await readForm(c);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== '_csrf') out[k] = v.trim();
  const malformed = malformedTextPath(out);
  if (malformed !== null) throw malformedText(malformed);
  return out;
}

/**
 * Validate mapped form input with a domain schema. Errors are keyed by the first path segment (the form
 * field), first message wins; an issue with no path is the whole form's (`form`). `messages` lets a form
 * word a field in its own units (a money field typed in pounds where the schema counts pence).
 */
export function parseForm<S extends z.ZodType>(
  schema: S, input: unknown, messages: FieldErrors = {},
): { data: z.infer<S>; errors?: undefined } | { data?: undefined; errors: FieldErrors } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.length ? String(issue.path[0]) : 'form';
    errors[field] ??= messages[field] ?? issue.message;
  }
  return { errors };
}

/** "75", "+75", "-20" → a number; anything else → NaN, which the schema words as the field's error. */
export function numberField(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const v = raw.replace(/[\s,]/g, '').replace('\u2212', '-');
  return /^[+-]?\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN;
}

/** "12.50" → 1250 minor units; anything not an amount → NaN (the schema refuses it). */
export function moneyField(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const v = raw.replace(/[\s£$€,]/g, '');
  return /^\d{1,9}(\.\d{1,2})?$/.test(v) ? Math.round(Number(v) * 100) : Number.NaN;
}

/** Blank optional text fields are absent, not empty strings. */
export const optionalText = (raw: string | undefined) => (raw ? raw : undefined);

/**
 * A domain refusal (a 4xx the user can act on) as an inline error on `field`; anything else, and the
 * refusals that are not about the form (403, 404), stay on the one error path.
 */
export function refusal(err: unknown, field: string): FieldErrors {
  const p = toProblem(err);
  if (p.status >= 500 || p.status === 404 || p.status === 403 || p.status === 401) throw err;
  const fieldErrors = Array.isArray(p.errors) ? (p.errors as { path: string; message: string }[]) : [];
  const phone = fieldErrors.find((e) => e.path === 'phone');
  if (phone) return { phone: p.detail };
  if (p.code === 'insufficient_points') {
    return { [field]: `Not enough points: ${p.available} available, ${p.requested} requested.` };
  }
  return { [field]: p.detail };
}
