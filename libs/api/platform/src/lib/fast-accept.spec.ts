import { IsInt, IsOptional, IsString, Max, Min, validateSync } from 'class-validator';
import { compileFastAcceptor } from './fast-accept';

class Purchase {
  @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) productId!: number;
  @IsInt() @Min(1) @Max(10) quantity!: number;
}

class WithOptional {
  @IsOptional() @IsString() note?: string;
}

describe('compileFastAcceptor', () => {
  const accept = compileFastAcceptor(Purchase) as (body: object) => boolean;

  it('accepts a body that satisfies every rule of the DTO', () => {
    expect(accept({ productId: 1, quantity: 10 })).toBe(true);
  });

  it.each([
    {},
    { productId: 1 },
    { productId: 1, quantity: 11 },
    { productId: 1, quantity: 0 },
    { productId: 1, quantity: 1.5 },
    { productId: '1', quantity: 1 },
    { productId: 1, quantity: 1, extra: true },
    { productId: Number.POSITIVE_INFINITY, quantity: 1 },
    { productId: -1, quantity: 1 },
    { productId: 1, quantity: null },
    JSON.parse('{"productId":1,"quantity":1,"__proto__":{}}'),
  ])('leaves %j to the full pipeline', (body) => {
    expect(accept(body)).toBe(false);
  });

  it('never accepts what class-validator refuses (same verdict on a grid of values)', () => {
    const values = [0, 1, 2, 9, 10, 11, -1, 1.5, NaN, Infinity, '1', null, true, undefined, [], {}];
    for (const productId of values) {
      for (const quantity of values) {
        const body = { productId, quantity };
        if (accept(body)) {
          expect(validateSync(Object.assign(new Purchase(), body))).toHaveLength(0);
        }
      }
    }
  });

  it('declines DTOs with rules it cannot mirror exactly', () => {
    expect(compileFastAcceptor(WithOptional)).toBeUndefined();
    expect(compileFastAcceptor(class Empty {})).toBeUndefined();
  });
});
