import { z } from '@hono/zod-openapi';
import { getCountries } from 'libphonenumber-js';
import { isExactOrigin } from '../platform/origins.ts';
import { IanaTimeZone } from '../platform/timeZones.ts';

// A tenant's settings: the earn rule, what a point is worth, currency and default phone country. One
// schema for both doors: the API validates JSON with it, the admin Settings form maps its fields onto it
// and shows these messages inline.

const COUNTRIES = new Set<string>(getCountries());
// ISO 4217 as the runtime's ICU knows it: a made-up code (XYZ) would be saved and then break every
// price the admin formats with Intl.NumberFormat.
const CURRENCIES = new Set<string>(Intl.supportedValuesOf('currency'));

export const Settings = z
  .object({
    slug: z.string(),
    name: z.string(),
    currency: z.string().openapi({ example: 'GBP' }),
    defaultCountry: z.string().openapi({ description: 'ISO 3166 country for national phone numbers', example: 'GB' }),
    earnPointsPerUnit: z.number().openapi({ description: 'Points per whole currency unit of an order total' }),
    earnMinOrderCents: z.number().int().openapi({ description: 'Orders below this total earn nothing' }),
    pointValueCents: z.number().int().openapi({ description: 'What one point is worth at checkout, in minor units' }),
    pointsExpireAfterDays: z.number().int().nullable().openapi({
      description: 'Points expire this many days after they were earned, oldest spent first; null: never',
      example: 365,
    }),
    corsOrigins: z.array(z.string()).openapi({
      description: 'Origins (scheme://host[:port]) whose browser pages may call the API with this tenant\'s keys (CORS)',
      example: ['https://till.example.com'],
    }),
    timezone: z.string().openapi({
      description: "IANA time zone of the back office's times, the dashboard's today and the group's report days; a location's own zone overrides it for that site",
      example: 'Europe/London',
    }),
    updatedAt: z.string(),
  })
  .openapi('Settings');
export type Settings = z.infer<typeof Settings>;

const NAME = 'Enter a name of 1 to 200 characters.';
const CURRENCY = 'Use a three-letter ISO 4217 code such as GBP.';
const COUNTRY = 'Use a two-letter country code such as GB.';
const EARN_RATE = 'A number from 0 to 1000, at most 4 decimals.';
const MIN_ORDER = 'Whole minor units from 0 to 100000000 (0 for none).';
const POINT_VALUE = 'A whole number from 1 to 100000.';
const EXPIRY_DAYS = 'A whole number of days from 1 to 3650, or empty for never.';
const APPLY_EXISTING = 'Choose yes or no.';
const APPLY_NEEDS_DAYS = 'Applying expiry to points already held needs a number of days.';
const ORIGIN = 'Exact origins such as https://till.example.com: http or https, host and port only (no path or trailing slash), lower case.';
const ORIGINS = 'At most 20 origins, each once.';
export const MAX_CORS_ORIGINS = 20;


export const SettingsPatch = z
  .object({
    name: z.string({ error: NAME }).trim().min(1, NAME).max(200, NAME),
    currency: z.string({ error: CURRENCY }).regex(/^[A-Z]{3}$/, CURRENCY).refine((c) => CURRENCIES.has(c), CURRENCY),
    defaultCountry: z.string({ error: COUNTRY }).refine((c) => COUNTRIES.has(c), COUNTRY),
    earnPointsPerUnit: z.number({ error: EARN_RATE }).min(0, EARN_RATE).max(1000, EARN_RATE).multipleOf(0.0001, EARN_RATE),
    earnMinOrderCents: z.number({ error: MIN_ORDER }).int(MIN_ORDER).min(0, MIN_ORDER).max(100_000_000, MIN_ORDER),
    pointValueCents: z.number({ error: POINT_VALUE }).int(POINT_VALUE).min(1, POINT_VALUE).max(100_000, POINT_VALUE),
    pointsExpireAfterDays: z.number({ error: EXPIRY_DAYS }).int(EXPIRY_DAYS).min(1, EXPIRY_DAYS).max(3650, EXPIRY_DAYS).nullable()
      .openapi({ description: 'Points expire this many days after they were earned; null: never. Points already held keep their date (or never expire) unless applyToExistingPoints is true' }),
    applyToExistingPoints: z.boolean({ error: APPLY_EXISTING })
      .openapi({ description: 'With pointsExpireAfterDays: points already held expire that many days after they were earned too (some possibly at once)' }),
    corsOrigins: z.array(z.string({ error: ORIGIN }).max(200, ORIGIN).refine(isExactOrigin, ORIGIN), { error: ORIGINS })
      .max(MAX_CORS_ORIGINS, ORIGINS).refine((list) => new Set(list).size === list.length, ORIGINS)
      .openapi({ description: 'Replaces the whole list; [] allows no browser origin', example: ['https://till.example.com'] }),
    // Shape here; the database's own list (assertKnownTimeZone) has the last word in updateSettings.
    timezone: IanaTimeZone,
  })
  .partial()
  .strict()
  .refine((p) => Object.entries(p).some(([k, v]) => v !== undefined && k !== 'applyToExistingPoints'), 'Send at least one setting to change.')
  .refine((p) => !p.applyToExistingPoints || typeof p.pointsExpireAfterDays === 'number', { message: APPLY_NEEDS_DAYS, path: ['applyToExistingPoints'] })
  .openapi('SettingsPatch');
export type SettingsPatch = z.infer<typeof SettingsPatch>;
