import { getMetadataStorage } from 'class-validator';

type DtoClass = new (...args: never[]) => unknown;
type Check = (value: unknown) => boolean;

/**
 * class-validator rules that have an exact, allocation-free equivalent. Each mirrors the library's
 * own implementation (`isInt`: a number that Number.isInteger accepts; `min`/`max`: a number
 * compared with the bound; …), so accepting here never accepts what the DTO would refuse.
 */
const EQUIVALENTS: Record<string, (constraints: unknown[]) => Check> = {
  isInt: () => (v) => typeof v === 'number' && Number.isInteger(v),
  isString: () => (v) => typeof v === 'string',
  isBoolean: () => (v) => typeof v === 'boolean',
  min:
    ([bound]) =>
    (v) =>
      typeof v === 'number' && typeof bound === 'number' && v >= bound,
  max:
    ([bound]) =>
    (v) =>
      typeof v === 'number' && typeof bound === 'number' && v <= bound,
};

/**
 * A fast acceptor compiled from a DTO's own class-validator metadata, for the hot path: it
 * answers "valid as it is" for the common good request without class-transformer or
 * class-validator, and says nothing about a bad one — those go through the full ValidationPipe,
 * which produces the documented per-field errors. The rules therefore live only on the DTO.
 *
 * Returns undefined when the DTO uses anything it cannot mirror exactly (optional or conditional
 * fields, groups, nested or array validation, custom validators): such DTOs always take the full
 * path.
 */
export function compileFastAcceptor(dto: DtoClass): ((body: object) => boolean) | undefined {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  if (metadatas.length === 0) return undefined;
  const checksByProperty = new Map<string, Check[]>();
  for (const m of metadatas) {
    const equivalent = m.type === 'customValidation' && m.name ? EQUIVALENTS[m.name] : undefined;
    if (!equivalent || m.each || (m.groups?.length ?? 0) > 0 || m.always) return undefined;
    const checks = checksByProperty.get(m.propertyName) ?? [];
    checks.push(equivalent(m.constraints ?? []));
    checksByProperty.set(m.propertyName, checks);
  }
  const properties = [...checksByProperty.entries()];
  const count = properties.length;
  return (body) => {
    const keys = Object.keys(body);
    if (keys.length !== count) return false;
    for (const [property, checks] of properties) {
      if (!Object.prototype.hasOwnProperty.call(body, property)) return false;
      const value = (body as Record<string, unknown>)[property];
      for (const check of checks) if (!check(value)) return false;
    }
    return true;
  };
}
