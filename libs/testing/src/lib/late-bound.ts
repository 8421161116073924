/**
 * Stands for the value a Jest fixture creates in `beforeAll`, so a spec can hold it in a `const`
 * at describe time: every property is read from `current()` when used (methods bound to it).
 * Used before the value exists, it fails saying so.
 */
export function lateBound<T extends object>(what: string, current: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_target, property) {
      // Not a promise: `await` or an async return must not mistake it for one.
      if (property === 'then') return undefined;
      const value = current();
      if (value === undefined) throw new Error(`${what} is set up in beforeAll: use it in a hook or a test`);
      const field: unknown = Reflect.get(value, property, value);
      return typeof field === 'function' ? field.bind(value) : field;
    },
  });
}
