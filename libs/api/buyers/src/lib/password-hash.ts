import { randomBytes, ScryptOptions, timingSafeEqual } from 'node:crypto';
import type { DeriveKey } from './scrypt-workers';

/**
 * scrypt parameters: N = 2^15, r = 8, p = 3 is one of OWASP's equivalent minimums (32 MiB of memory
 * per hash, ≈ 0.3 s on this machine's cores). Memory-hardness is the point: it makes guessing on
 * GPUs and ASICs as costly as on the server. Stored with every hash, so they can be raised later
 * without invalidating existing accounts.
 */
export const SCRYPT_PARAMETERS = { logN: 15, r: 8, p: 3 } as const;

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Bounds for parameters read back from storage, so a corrupted row cannot ask for gigabytes. */
const LIMITS = { logN: [10, 20], r: [1, 32], p: [1, 16] } as const;

function derive(
  deriveKey: DeriveKey,
  password: string,
  salt: Buffer,
  logN: number,
  r: number,
  p: number,
): Promise<Buffer> {
  const N = 2 ** logN;
  // Node refuses anything above `maxmem` (32 MiB by default); scrypt needs 128·N·r bytes plus a little.
  const options: ScryptOptions = { N, r, p, maxmem: 2 * 128 * N * r };
  return deriveKey(password.normalize('NFKC'), salt, KEY_BYTES, options);
}

/**
 * A self-describing PHC-style string, `$scrypt$ln=15,r=8,p=3$<salt>$<hash>` (base64, no padding),
 * with a fresh random salt. `deriveKey` runs scrypt off the event loop (ScryptWorkers).
 */
export async function hashPassword(password: string, deriveKey: DeriveKey): Promise<string> {
  const { logN, r, p } = SCRYPT_PARAMETERS;
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(deriveKey, password, salt, logN, r, p);
  return `$scrypt$ln=${logN},r=${r},p=${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{16,})$/;

const within = (value: number, [min, max]: readonly [number, number]) => value >= min && value <= max;

/**
 * True when `password` produces the stored hash, compared in constant time. A string this module
 * did not write (or with parameters out of bounds) never matches.
 */
export async function verifyPassword(
  password: string,
  stored: string,
  deriveKey: DeriveKey,
): Promise<boolean> {
  const match = PHC.exec(stored);
  if (!match) return false;
  const [logN, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!within(logN, LIMITS.logN) || !within(r, LIMITS.r) || !within(p, LIMITS.p)) return false;
  const salt = Buffer.from(match[4], 'base64url');
  const expected = Buffer.from(match[5], 'base64url');
  if (expected.length !== KEY_BYTES) return false;
  const actual = await derive(deriveKey, password, salt, logN, r, p);
  return timingSafeEqual(actual, expected);
}

/**
 * A well-formed hash with the current parameters that no password is checked against for real:
 * sign-in verifies against it when the email is unknown, so an unknown account costs the same
 * scrypt run as a wrong password and the timing does not reveal which emails are registered.
 */
export const DECOY_HASH = `$scrypt$ln=${SCRYPT_PARAMETERS.logN},r=${SCRYPT_PARAMETERS.r},p=${SCRYPT_PARAMETERS.p}$${Buffer.alloc(SALT_BYTES).toString('base64url')}$${Buffer.alloc(KEY_BYTES).toString('base64url')}`;
