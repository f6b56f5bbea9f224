import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { ApiError } from '../platform/errors.ts';

/**
 * Any common spelling of a number ("+44 7306 506797", "+44 (7306) 506-797", "07306 506797" in a
 * GB tenant) becomes one E.164 string, so one person is one customer. Called by the customer domain
 * (never by a door), so the API and the admin pages refuse the same input with the same words.
 */
export function normalizePhone(input: string, defaultCountry: string): string {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry as CountryCode);
  if (!parsed || !parsed.isValid()) {
    const shown = `"${input.slice(0, 40)}"`;
    // Letters typed into the phone box are a different slip from a number with digits missing.
    const detail = /\d/.test(input) ? `${shown} is not a valid phone number.` : `${shown} is not a phone number.`;
    throw new ApiError(400, 'validation_failed', detail, {
      errors: [{ path: 'phone', message: 'not a valid phone number' }],
    });
  }
  return parsed.number;
}
