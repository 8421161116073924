import { validateEnvironment } from './config';
import { workerEnvironment } from './workers';

describe('workerEnvironment (what the WORKERS>1 primary hands its workers)', () => {
  it('draws one JWT secret when none is configured, valid for the workers’ own configuration', () => {
    const env = workerEnvironment({});
    expect(Object.keys(env)).toEqual(['JWT_SECRET']);
    expect(() => validateEnvironment({ JWT_SECRET: env['JWT_SECRET'] })).not.toThrow();
    // A fresh draw per primary: nothing predictable is ever used as a secret.
    expect(workerEnvironment({})['JWT_SECRET']).not.toBe(env['JWT_SECRET']);
  });

  it('adds nothing when JWT_SECRET is configured: every worker inherits it', () => {
    expect(workerEnvironment({ JWT_SECRET: 's'.repeat(32) })).toEqual({});
  });
});
