import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from './deps.ts';
import { ApiError, PROBLEM_CODES } from './errors.ts';
import { malformedTextPath } from './fields.ts';

/** A resource's sub-app. Validation failures join the one error path as 400 validation_failed. */
export function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) {
        const path = malformedTextPath(result.data);
        if (path !== null) throw malformedText(path);
        return;
      }
      const errors = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      const first = errors[0];
      throw new ApiError(400, 'validation_failed',
        first ? `${first.path || 'body'}: ${first.message}` : 'The request is not valid.', { errors });
    },
  });
}

/** The refusal for text that is not well-formed Unicode, worded the same on both doors. */
export function malformedText(path: string) {
  return new ApiError(400, 'validation_failed', `${path}: must be text (it holds half of a character, a lone surrogate).`,
    { errors: [{ path, message: 'must be text (it holds half of a character, a lone surrogate)' }] });
}

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(PROBLEM_CODES).openapi({ description: 'Stable snake_case code; branch on this, not on `detail`.' }),
  })
  .catchall(z.unknown())
  .openapi('Problem');

const PROBLEM_TEXT: Record<number, string> = {
  400: 'Invalid input (`validation_failed`)',
  401: 'Missing or invalid API key (`unauthorized`)',
  403: 'This kind of caller may not do this (`forbidden`), or a cookie-authenticated call without its CSRF token (`csrf_failed`)',
  404: 'Not found, or belongs to another tenant (`not_found`)',
  409: 'Refused by a business rule or a concurrent duplicate',
  412: 'If-Match names a version since replaced (`precondition_failed`); `current` holds the customer as it is now',
  413: 'Body too large (`payload_too_large`)',
  415: 'The body is not application/json (`unsupported_media_type`)',
  422: 'Idempotency-Key reused with a different body (`idempotency_key_reused`)',
  428: 'If-Match is required (`precondition_required`)',
  429: 'Too many requests',
  503: 'Temporarily unavailable; retry shortly',
};

/** Problem responses for createRoute's `responses`, so every status a route can return is documented. */
export function problems(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, {
      description: PROBLEM_TEXT[s] ?? 'Problem',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    }]),
  );
}

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const IdempotencyHeader = z.object({
  'idempotency-key': z.string().min(1).max(255).optional().openapi({
    description: 'Replays the stored response for the same key and body (Idempotent-Replayed: true).',
  }),
});

export const security = [{ bearer: [] }];
