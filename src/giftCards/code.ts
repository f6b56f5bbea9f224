import { randomBytes } from 'node:crypto';

// Crockford base32: no I, L, O or U, so a code read aloud or copied by hand survives the trip.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 4;
const GROUP_LEN = 4;

/**
 * A new gift card code, `GC-XXXX-XXXX-XXXX-XXXX`: 16 base32 symbols are exactly 80 bits from the
 * system CSPRNG, so guessing a live code is hopeless even before the per-key miss throttle.
 */
export function generateGiftCardCode(): string {
  const bytes = randomBytes(10); // 80 bits
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let symbols = '';
  for (let i = 0; i < GROUPS * GROUP_LEN; i++) {
    symbols = ALPHABET[Number(bits & 31n)] + symbols;
    bits >>= 5n;
  }
  return format(symbols);
}

/**
 * The canonical form of a code as a person might type it: any case, spaces or dashes, with or
 * without the `GC` prefix, and the look-alikes Crockford allows (I/L → 1, O → 0). Null when it
 * cannot be a code at all.
 */
export function normalizeGiftCardCode(input: string): string | null {
  let s = input.toUpperCase().replace(/[\s-]/g, '');
  if (s.length === GROUPS * GROUP_LEN + 2 && s.startsWith('GC')) s = s.slice(2);
  if (s.length !== GROUPS * GROUP_LEN) return null;
  s = s.replace(/[IL]/g, '1').replace(/O/g, '0');
  for (const ch of s) if (!ALPHABET.includes(ch)) return null;
  return format(s);
}

function format(symbols: string): string {
  const groups = symbols.match(new RegExp(`.{${GROUP_LEN}}`, 'g'))!;
  return `GC-${groups.join('-')}`;
}
