import { Settings } from './schemas.ts';

// `data` of settings_updated: tenant_settings_json(), the same object GET /api/v1/settings answers, so
// the event's schema is the settings schema (strict). A field added to the settings is in both at once.
// src/events/catalogue.ts lists it.

export const SettingsUpdated = Settings.strict()
  .describe("The tenant's settings changed (earn rule, point value, currency, default country, expiry, …).");

export const settingsEventCatalogue = { settings_updated: SettingsUpdated };
