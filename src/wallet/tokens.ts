import { createHash, randomBytes } from 'node:crypto';

// A wallet link's token: 256 random bits, base64url (43 characters), shown once, in the URL. Only its
// sha-256 is stored (wallet_links.token_hash), so the table opens no wallet. Anything at all can be
// hashed: a tampered or made-up token takes exactly the path a real one does, and finds no row.

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The page's path for a token: root-relative, so it works behind any host the restaurant serves on. */
export const walletPath = (token: string) => `/w/${token}`;
