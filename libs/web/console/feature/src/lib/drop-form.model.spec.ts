import { AdminProduct } from '@gtd/shared-contracts';
import {
  changedFields,
  createBody,
  draftOf,
  fromLocalInput,
  readDraft,
  toLocalInput,
  toMajorUnits,
  toMinorUnits,
} from './drop-form.model';

// jest.time-zone.cjs runs the specs in America/New_York (UTC−5, UTC−4 in summer).
it('runs in the zone the conversions are checked against', () => {
  expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe('America/New_York');
});

const PRODUCT: AdminProduct = {
  id: 3,
  name: 'Golden Ticket',
  description: 'A tour.',
  price: 2500,
  currency: 'EUR',
  stock: 100,
  available: 60,
  maxQuantityPerPurchase: 10,
  startsAt: '2030-01-15T14:30:00.000Z',
  endsAt: null,
  perBuyerLimit: 2,
  state: 'upcoming',
  paused: false,
};

describe('prices in major units', () => {
  it('reads an amount as text, into the currency’s minor units', () => {
    expect(toMinorUnits('25.00', 'EUR')).toBe(2500);
    expect(toMinorUnits('25', 'EUR')).toBe(2500);
    expect(toMinorUnits('19.99', 'EUR')).toBe(1999);
    expect(toMinorUnits('0,5', 'EUR')).toBe(50);
    expect(toMinorUnits('500', 'JPY')).toBe(500);
    expect(toMinorUnits('1.234', 'BHD')).toBe(1234);
  });

  it('refuses more decimals than the currency has, and what is not an amount', () => {
    expect(toMinorUnits('25.001', 'EUR')).toBeNull();
    expect(toMinorUnits('500.5', 'JPY')).toBeNull();
    for (const text of ['', '-1', '1e3', 'ten', '1.2.3']) expect(toMinorUnits(text, 'EUR')).toBeNull();
  });

  it('shows a stored price with the currency’s decimals', () => {
    expect(toMajorUnits(2500, 'EUR')).toBe('25.00');
    expect(toMajorUnits(5, 'EUR')).toBe('0.05');
    expect(toMajorUnits(500, 'JPY')).toBe('500');
  });
});

describe('datetime-local values', () => {
  it('are the operator’s wall clock, sent as UTC (daylight saving included)', () => {
    expect(fromLocalInput('2030-01-15T09:30')).toBe('2030-01-15T14:30:00.000Z');
    expect(fromLocalInput('2030-07-15T09:30')).toBe('2030-07-15T13:30:00.000Z');
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('tomorrow')).toBeUndefined();
  });

  it('show an instant back in the operator’s zone, to the second only when it has seconds', () => {
    expect(toLocalInput('2030-01-15T14:30:00.000Z')).toBe('2030-01-15T09:30');
    expect(toLocalInput('2030-01-15T14:30:05Z')).toBe('2030-01-15T09:30:05');
    expect(toLocalInput(null)).toBe('');
  });
});

describe('the request', () => {
  it('of a create leaves out what was left empty', () => {
    const { request, errors } = readDraft(
      { ...draftOf(PRODUCT), description: '', startsAt: '', perBuyerLimit: '', price: '12.5' },
      true,
    );
    expect(errors).toEqual([]);
    expect(createBody(request)).toEqual({ name: 'Golden Ticket', price: 1250, currency: 'EUR', stock: 100 });
  });

  it('checks only what it needs to build the request', () => {
    const { errors } = readDraft(
      { ...draftOf(PRODUCT), name: ' ', price: '2.505', stock: 'x', endsAt: 'soon' },
      true,
    );
    expect(errors.map((e) => e.field)).toEqual(['name', 'price', 'stock', 'endsAt']);
    // The currency's rules are the API's: the form sends what was typed.
    expect(readDraft({ ...draftOf(PRODUCT), currency: 'EURO' }, true).errors).toEqual([]);
  });

  it('of an edit holds only the fields that differ from the drop as loaded', () => {
    const unchanged = readDraft(draftOf(PRODUCT), false).request;
    expect(changedFields(PRODUCT, unchanged)).toEqual({});
    const edited = readDraft(
      { ...draftOf(PRODUCT), name: 'Renamed', startsAt: '', perBuyerLimit: '' },
      false,
    );
    expect(changedFields(PRODUCT, edited.request)).toEqual({
      name: 'Renamed',
      startsAt: null,
      perBuyerLimit: null,
    });
  });
});
