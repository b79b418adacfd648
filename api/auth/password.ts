/**
 * Password hashing for local auth: PBKDF2-SHA256 through WebCrypto, with a
 * random salt per user and a constant-time comparison.
 * @module
 */

/** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
export const DEFAULT_ITERATIONS = 600_000;

/** A stored password hash; the iteration count travels with it so it can rise later. */
export interface PasswordHash {
  algorithm: "PBKDF2-SHA256";
  iterations: number;
  /** base64 */
  salt: string;
  /** base64 */
  hash: string;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) =>
  Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function derive(
  password: string,
  salt: Uint8Array,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

/**
 * Hashes a password with a fresh 16-byte salt.
 *
 * @example
 * const stored = await hashPassword("correct horse");
 * await verifyPassword("correct horse", stored); // true
 */
export async function hashPassword(
  password: string,
  iterations = DEFAULT_ITERATIONS,
): Promise<PasswordHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, iterations);
  return {
    algorithm: "PBKDF2-SHA256",
    iterations,
    salt: toBase64(salt),
    hash: toBase64(hash),
  };
}

/** True when `password` matches `stored`; compares in constant time. */
export async function verifyPassword(
  password: string,
  stored: PasswordHash,
): Promise<boolean> {
  const expected = fromBase64(stored.hash);
  const actual = await derive(
    password,
    fromBase64(stored.salt),
    stored.iterations,
  );
  if (actual.length !== expected.length) return false;
  let difference = 0;
  for (let i = 0; i < actual.length; i++) difference |= actual[i] ^ expected[i];
  return difference === 0;
}
