import { z } from '@hono/zod-openapi';

// `data` of settings_updated (settings_update() in sql/0001_core.sql builds it). src/events/catalogue.ts lists it.

export const SettingsUpdated = z
  .object({
    slug: z.string(),
    name: z.string(),
    currency: z.string(),
    defaultCountry: z.string(),
    earnPointsPerUnit: z.number(),
    earnMinOrderCents: z.number().int(),
    pointValueCents: z.number().int(),
    timezone: z.string(),
    updatedAt: z.string(),
  })
  .strict()
  .describe("The tenant's settings changed (earn rule, point value, currency, default country, time zone).");

export const settingsEventCatalogue = { settings_updated: SettingsUpdated };
