import { API_ENVIRONMENT_VARIABLES } from '@gtd/shared-contracts';

/** Values to set; `undefined` removes a variable. */
export type EnvironmentOverrides = Record<string, string | undefined>;

/**
 * The environment for a spawned API: a copy of `base` without any variable the API reads (a
 * developer's `STORE=redis` must not change what a test or the bench runs), without colour codes
 * in its output, and with `overrides` on top.
 */
export function apiEnvironment(
  overrides: EnvironmentOverrides = {},
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const name of API_ENVIRONMENT_VARIABLES) delete env[name];
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}
