import { z } from '@hono/zod-openapi';
import { calendarDay } from '../platform/dates.ts';
import { Cursor, Limit } from '../platform/pagination.ts';
import { Customer, CustomerPhone } from './schemas.ts';

// Editing a customer (PATCH /customers/{id}) and reading who changed what. The admin edit form maps its
// fields onto EditCustomer too, so these messages are the ones shown inline on the customer page.

const NAME_LENGTH = 'A name has at most 200 characters.';
const EMAIL = 'That does not look like an email address.';
const NOTE_LENGTH = 'A note has at most 1,000 characters.';
const BIRTHDAY = 'A birthday as YYYY-MM-DD, a real day from 1900 up to today.';
const OPT_IN = 'Marketing opt-in is true or false.';

/** null clears a field; an absent key leaves it as it is. Phone cannot be cleared: it is who the customer is. */
export const EditCustomer = z
  .object({
    name: z.string({ error: NAME_LENGTH }).trim().min(1, 'Enter a name, or clear it.').max(200, NAME_LENGTH).nullable().optional(),
    email: z.string({ error: EMAIL }).trim().email(EMAIL).max(254, EMAIL).nullable().optional(),
    phone: CustomerPhone.optional(),
    birthday: calendarDay(BIRTHDAY).refine((d) => d <= new Date().toISOString().slice(0, 10), BIRTHDAY).nullable().optional(),
    marketingOptIn: z.boolean({ error: OPT_IN }).optional(),
    note: z.string({ error: NOTE_LENGTH }).trim().min(1, 'Enter a note, or clear it.').max(1000, NOTE_LENGTH).nullable().optional(),
  })
  .strict()
  .openapi('EditCustomer');
export type EditCustomer = z.infer<typeof EditCustomer>;

export const EDITABLE_FIELDS = ['name', 'email', 'phone', 'birthday', 'marketingOptIn', 'note'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

const Value = z.union([z.string(), z.boolean(), z.null()]);
export const FieldChange = z.object({ from: Value, to: Value }).openapi('FieldChange');

/** The fields an edit changed, each from → to, under the API's field names. */
export const Changes = z
  .partialRecord(z.enum(EDITABLE_FIELDS), FieldChange)
  .openapi({ description: 'Each changed field: its value before and after', example: { name: { from: 'Ann', to: 'Anne' } } });
export type Changes = Partial<Record<EditableField, { from: string | boolean | null; to: string | boolean | null }>>;

export const IfMatchHeader = z.object({
  'if-match': z.string().max(200).optional().openapi({
    description: 'The ETag of GET /customers/{id} this edit is based on (or `*`). Required: without it 428.',
    example: '"3"',
  }),
});

export const CustomerEdit = z
  .object({
    id: z.string(),
    customerId: z.string(),
    version: z.number().int().openapi({ description: 'The version this edit produced' }),
    changes: Changes,
    actor: z.string().openapi({ description: 'Who made it: an admin\'s email or an API key\'s name' }),
    locationId: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('CustomerEdit');
export type CustomerEdit = z.infer<typeof CustomerEdit>;

export const CustomerHistoryPage = z
  .object({ data: z.array(CustomerEdit), nextCursor: z.string().nullable() })
  .openapi('CustomerHistoryPage');
export type CustomerHistoryPage = z.infer<typeof CustomerHistoryPage>;

export const HistoryQuery = z.object({ limit: Limit, cursor: Cursor });
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export { Customer };
