import { API_ENVIRONMENT_VARIABLES } from '@gtd/shared-contracts';
import { apiEnvironment } from './environment';

describe('apiEnvironment', () => {
  it('drops every variable the API reads from the parent environment and keeps the others', () => {
    const parent = Object.fromEntries(API_ENVIRONMENT_VARIABLES.map((name) => [name, 'from the shell']));
    const env = apiEnvironment({}, { ...parent, PATH: '/usr/bin', HOME: '/home/dev' });
    for (const name of API_ENVIRONMENT_VARIABLES) expect(env[name]).toBeUndefined();
    expect(env).toMatchObject({ PATH: '/usr/bin', HOME: '/home/dev' });
  });

  it('turns colour codes off and puts the overrides on top; undefined removes a variable', () => {
    const env = apiEnvironment(
      { STORE: 'memory', FORCE_COLOR: '1', HOME: undefined },
      { STORE: 'redis', HOME: '/home/dev' },
    );
    expect(env).toEqual({ STORE: 'memory', NO_COLOR: '1', FORCE_COLOR: '1' });
  });

  it('does not change the environment it copies', () => {
    const parent = { STORE: 'redis' };
    apiEnvironment({ PORT: '1' }, parent);
    expect(parent).toEqual({ STORE: 'redis' });
  });
});
