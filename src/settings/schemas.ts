import { z } from '@hono/zod-openapi';
import { getCountries } from 'libphonenumber-js';
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

export const SettingsPatch = z
  .object({
    name: z.string({ error: NAME }).trim().min(1, NAME).max(200, NAME),
    currency: z.string({ error: CURRENCY }).regex(/^[A-Z]{3}$/, CURRENCY).refine((c) => CURRENCIES.has(c), CURRENCY),
    defaultCountry: z.string({ error: COUNTRY }).refine((c) => COUNTRIES.has(c), COUNTRY),
    earnPointsPerUnit: z.number({ error: EARN_RATE }).min(0, EARN_RATE).max(1000, EARN_RATE).multipleOf(0.0001, EARN_RATE),
    earnMinOrderCents: z.number({ error: MIN_ORDER }).int(MIN_ORDER).min(0, MIN_ORDER).max(100_000_000, MIN_ORDER),
    pointValueCents: z.number({ error: POINT_VALUE }).int(POINT_VALUE).min(1, POINT_VALUE).max(100_000, POINT_VALUE),
    // Shape here; the database's own list (assertKnownTimeZone) has the last word in updateSettings.
    timezone: IanaTimeZone,
  })
  .partial()
  .strict()
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'Send at least one setting to change.')
  .openapi('SettingsPatch');
export type SettingsPatch = z.infer<typeof SettingsPatch>;
