import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { ApiError } from '../platform/errors.ts';

/**
 * Any common spelling of a number ("+44 7306 506797", "+44 (7306) 506-797", "07306 506797" in a
 * GB tenant) becomes one E.164 string, so one person is one customer.
 */
export function normalizePhone(input: string, defaultCountry: string): string {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry as CountryCode);
  if (!parsed || !parsed.isValid()) {
    throw new ApiError(400, 'validation_failed', `"${input.slice(0, 40)}" is not a valid phone number.`, {
      errors: [{ path: 'phone', message: 'not a valid phone number' }],
    });
  }
  return parsed.number;
}
