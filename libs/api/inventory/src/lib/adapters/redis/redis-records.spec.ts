import { idempotencyScope } from '../../purchase-rules';
import { decodePending, decodeStreamEvent } from './redis-records';

function decodeOrderEvent(fields: string[]) {
  const { sale } = decodeStreamEvent(fields);
  if (!sale) throw new Error('decoded as a cancel');
  return sale;
}

const ORDER_ID = '00000000-0000-4000-8000-00000000000a';
const BUYER = '6f1c2a8e-3b7d-4c1e-9a55-2d8f0b7e4c31';
const AT = '2030-01-01T00:00:00.000Z';

describe('Redis order records carry the key scope', () => {
  const anonymous = idempotencyScope(null, '2001:db8::20');

  it('reads the scope of a pending order, whatever the key holds', () => {
    expect(decodePending(ORDER_ID, `~${anonymous}|1|2|${AT}||7|key|with|bars`)).toEqual({
      order: { orderId: ORDER_ID, productId: 1, quantity: 2, buyerId: null, createdAt: AT },
      price: null,
      idempotencyKey: 'key|with|bars',
      scope: anonymous,
      remaining: 7,
    });
  });

  it('reads the price of a pending order and of an order event; older ones have none', () => {
    expect(decodePending(ORDER_ID, `=1250|USD|${anonymous}|1|2|${AT}||7|k|x`)).toEqual({
      order: { orderId: ORDER_ID, productId: 1, quantity: 2, buyerId: null, createdAt: AT },
      price: { unitPrice: 1250, currency: 'USD' },
      idempotencyKey: 'k|x',
      scope: anonymous,
      remaining: 7,
    });
    expect(decodePending(ORDER_ID, `=||${anonymous}|1|2|${AT}||7|`)).toMatchObject({ price: null });
    expect(decodePending(ORDER_ID, `~${anonymous}|1|2|${AT}||7|`)).toMatchObject({ price: null });
    const fields = ['o', ORDER_ID, 'p', '1', 'q', '2', 't', AT, 'b', '', 'r', '7', 'k', ''];
    expect(decodeOrderEvent([...fields, 'pr', '1250', 'cu', 'USD']).price).toEqual({
      unitPrice: 1250,
      currency: 'USD',
    });
    expect(decodeOrderEvent([...fields, 'pr', '', 'cu', '']).price).toBeNull();
    expect(decodeOrderEvent(fields).price).toBeNull();
  });

  it('reads pending orders written before scopes carried the address in the old scope', () => {
    expect(decodePending(ORDER_ID, `1|2|${AT}||7|k`)).toMatchObject({ idempotencyKey: 'k', scope: '' });
    expect(decodePending(ORDER_ID, `1|2|${AT}|${BUYER}|7|k`)).toMatchObject({ scope: BUYER });
    expect(decodePending(ORDER_ID, `1|2|${AT}`)).toMatchObject({ idempotencyKey: null, remaining: 0 });
  });

  it('reads the scope of an order event, and the old scope from an event without one', () => {
    const fields = ['o', ORDER_ID, 'p', '1', 'q', '2', 't', AT, 'b', '', 'r', '7', 'k', 'k'];
    expect(decodeOrderEvent([...fields, 's', anonymous]).scope).toBe(anonymous);
    expect(decodeOrderEvent(fields).scope).toBe('');
  });
});
