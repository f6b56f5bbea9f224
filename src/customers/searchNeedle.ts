import { AsYouType, type CountryCode } from 'libphonenumber-js/max';

/**
 * What a search box's text asks for. Staff type a phone the way it is said ("07306 506797", "506797",
 * "+44 7306 506797") or a name with or without its accents; stored phones are E.164, so a phone needle
 * becomes patterns on those digits, and anything else becomes words matched against the folded name
 * and email. Pure: searchCustomers turns it into SQL.
 */
export type Needle =
  | { kind: 'phone'; contains: string; prefix: string | null }
  | { kind: 'email'; prefix: string }
  | { kind: 'words'; words: string[] };

// One token with an @ after its first character: an email typed from its start ("jo7@x", "Jo7@X.test").
// It matches emails beginning with it through a btree (sql/0028): a trigram search for a whole address
// intersects the posting lists of trigrams every address shares ("com", "exa"…), 36 ms at 500,000
// customers. "@example.com" (a domain) and words still match anywhere, by trigrams.
const EMAIL_LIKE = /^[^\s@]+@\S*$/;

// Digits with the separators people put between them; a letter anywhere makes it a name or an email.
const PHONE_LIKE = /^\+?[\d\s().\-/]+$/;

/** LIKE's own characters in typed text match themselves. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, '\\$&');

export function searchNeedle(text: string, defaultCountry: string): Needle | null {
  const typed = text.trim();
  if (!typed) return null;
  const digits = typed.replace(/\D/g, '');
  if (PHONE_LIKE.test(typed) && digits) return { kind: 'phone', contains: digits, prefix: phonePrefix(typed, digits, defaultCountry) };
  if (EMAIL_LIKE.test(typed)) return { kind: 'email', prefix: typed.toLowerCase() };
  return { kind: 'words', words: typed.split(/\s+/) };
}

/**
 * The start of the E.164 number a spelling stands for, when the spelling says where the number starts:
 * a '+' or '00' (international), or the country's trunk prefix ("07306" in GB is +447306…, "1 201" in the
 * US is +1201…). A bare run of digits ("506797") could sit anywhere in the number, so it has no prefix
 * and is matched as a substring only.
 */
function phonePrefix(typed: string, digits: string, defaultCountry: string): string | null {
  if (typed.startsWith('+')) return `+${digits}`;
  if (digits.startsWith('00')) return digits.length > 2 ? `+${digits.slice(2)}` : null;
  const asTyped = new AsYouType(defaultCountry as CountryCode);
  asTyped.input(typed);
  const value = asTyped.getNumberValue();
  const national = asTyped.getNumber()?.nationalNumber;
  // A national number shorter than what was typed means a trunk or country prefix was read off the front.
  return value && national && national.length < digits.length ? value : null;
}
