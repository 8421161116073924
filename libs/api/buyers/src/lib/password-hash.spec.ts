import {
  DECOY_HASH,
  hashPassword as hashWith,
  SCRYPT_PARAMETERS,
  verifyPassword as verifyWith,
} from './password-hash';
import { ScryptWorkers } from './scrypt-workers';

const workers = new ScryptWorkers(2);
afterAll(() => workers.close());
const hashPassword = (password: string) => hashWith(password, workers.derive);
const verifyPassword = (password: string, stored: string) => verifyWith(password, stored, workers.derive);

// scrypt at its production cost: each hash takes a noticeable fraction of a second.
jest.setTimeout(30_000);

describe('password hashing (scrypt)', () => {
  it('writes a self-describing string with its parameters and a fresh salt', async () => {
    const [first, second] = await Promise.all([
      hashPassword('hunter2hunter2'),
      hashPassword('hunter2hunter2'),
    ]);
    const { logN, r, p } = SCRYPT_PARAMETERS;
    expect(first).toMatch(
      new RegExp(`^\\$scrypt\\$ln=${logN},r=${r},p=${p}\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`),
    );
    expect(first).not.toContain('hunter2');
    expect(second).not.toBe(first);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    await expect(verifyPassword('correct horse battery staple', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapler', stored)).resolves.toBe(false);
  });

  it('reads the parameters from the stored string, so older hashes keep working', async () => {
    // Written by hand with N = 2^10 (what a future parameter change leaves behind).
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('old password', salt, 32, { N: 1024, r: 8, p: 1 });
    const stored = `$scrypt$ln=10,r=8,p=1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    await expect(verifyPassword('old password', stored)).resolves.toBe(true);
    await expect(verifyPassword('new password', stored)).resolves.toBe(false);
  });

  it.each([
    ['garbage', 'not a hash'],
    ['another scheme', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA'],
    ['absurd parameters', `$scrypt$ln=40,r=8,p=1$${'A'.repeat(22)}$${'A'.repeat(43)}`],
    ['a short hash', `$scrypt$ln=10,r=8,p=1$${'A'.repeat(22)}$${'A'.repeat(20)}`],
  ])('never matches %s', async (_name, stored) => {
    await expect(verifyPassword('anything at all', stored)).resolves.toBe(false);
  });

  it('has a decoy with the current parameters that no password matches', async () => {
    expect(DECOY_HASH.startsWith(`$scrypt$ln=${SCRYPT_PARAMETERS.logN},`)).toBe(true);
    await expect(verifyPassword('', DECOY_HASH)).resolves.toBe(false);
    await expect(verifyPassword('password', DECOY_HASH)).resolves.toBe(false);
  });
});
