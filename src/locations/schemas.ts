import { z } from '@hono/zod-openapi';
import { IanaTimeZone } from '../platform/timeZones.ts';

// A restaurant group's locations (sites) in the v1 contract, for both doors.

const NAME = 'A name of 1 to 100 characters, such as Soho.';
const CODE = 'A short code of 2 to 12 letters or digits, such as SOHO.';

export const LocationName = z.string({ error: NAME }).trim().min(1, NAME).max(100, NAME);
/** Codes are shown on tills and typed in the CLI: case does not matter, they are kept upper-case. */
export const LocationCode = z.string({ error: CODE }).trim().toUpperCase().regex(/^[A-Z0-9]{2,12}$/, CODE);

export const Location = z
  .object({
    id: z.string(),
    name: z.string(),
    code: z.string().openapi({ example: 'SOHO' }),
    timeZone: z.string().openapi({ description: "IANA zone: the site's days (reports, its dashboard's today)", example: 'Europe/London' }),
    archived: z.boolean().openapi({ description: 'Archived sites keep their history and take no new writes' }),
    archivedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Location');
export type Location = z.infer<typeof Location>;

export const LocationList = z.object({ data: z.array(Location) }).openapi('LocationList');
export type LocationList = z.infer<typeof LocationList>;

export const LocationCreate = z
  .object({ name: LocationName, code: LocationCode, timeZone: IanaTimeZone })
  .strict()
  .openapi('LocationCreate');
export type LocationCreate = z.infer<typeof LocationCreate>;

export const LocationPatch = z
  .object({
    name: LocationName,
    code: LocationCode,
    timeZone: IanaTimeZone,
    archived: z.boolean().openapi({ description: 'true archives the site (no new writes); false brings it back' }),
  })
  .partial()
  .strict()
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'Send at least one field to change.')
  .openapi('LocationPatch');
export type LocationPatch = z.infer<typeof LocationPatch>;

/** Where a write happened, for a tenant-wide key: a bound key's own site is implied. */
export const LocationField = z.string().uuid().optional()
  .openapi({ description: "The location this happened at (tenant-wide keys; a key bound to a location may omit it, or must name its own)" });
