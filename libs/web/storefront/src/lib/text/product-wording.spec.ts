import { limitReachedSentence, limitSentence, quoteName, soldOutSentence } from './product-wording';

describe('product names in sentences', () => {
  const odd = [
    'Every Last pair sneakers',
    'the Golden Ticket',
    '3 nights in Rome',
    'Tickets',
    '  padded name  ',
  ];

  it.each(odd)('reads for %p: quoted, never the subject, article or count of the sentence', (name) => {
    const sentence = soldOutSentence(name);
    expect(sentence).toBe(`Every unit of “${name.trim()}” has been claimed.`);
    expect(sentence).not.toMatch(/Every Every|Every the|Every \d/);
    expect(quoteName(name)).toBe(`“${name.trim()}”`);
  });
});

describe('limitSentence', () => {
  const product = (maxQuantityPerPurchase: number, perBuyerLimit: number | null) => ({
    maxQuantityPerPurchase,
    perBuyerLimit,
  });

  it('says the per-order maximum when there is no per-buyer limit', () => {
    expect(limitSentence({ product: product(10, null), signedIn: false, held: 0 })).toBe(
      'Up to 10 per order.',
    );
  });

  it('never offers more per order than a buyer may hold: the smaller of the two rules', () => {
    const tight = limitSentence({ product: product(10, 4), signedIn: false, held: 0 });
    expect(tight).toBe('Up to 4 per buyer, in one order or several.');
    expect(tight).not.toContain('10');
    expect(limitSentence({ product: product(10, 10), signedIn: true, held: 0 })).toBe(
      'Up to 10 per buyer, in one order or several.',
    );
    expect(limitSentence({ product: product(5, 20), signedIn: false, held: 0 })).toBe(
      'Up to 5 per order and 20 per buyer in all.',
    );
  });

  it('tells a signed-in buyer known to hold some what is left of the allowance', () => {
    expect(limitSentence({ product: product(10, 4), signedIn: true, held: 1 })).toBe(
      'You hold 1 unit and can buy 3 more: the limit is 4 per buyer.',
    );
    expect(limitSentence({ product: product(5, 20), signedIn: true, held: 2 })).toBe(
      'You hold 2 units and can buy 18 more (the limit is 20 per buyer), up to 5 per order.',
    );
    // At the limit the rule is stated; the reason beside Buy now says the buyer has reached it.
    expect(limitSentence({ product: product(10, 4), signedIn: true, held: 4 })).toBe(
      'Up to 4 per buyer, in one order or several.',
    );
    expect(limitReachedSentence(4, 4)).toBe(
      'You hold 4 units: the limit is 4 per buyer, so you cannot buy more.',
    );
  });

  it('ignores a holding once nobody is signed in', () => {
    expect(limitSentence({ product: product(10, 4), signedIn: false, held: 3 })).toBe(
      'Up to 4 per buyer, in one order or several.',
    );
  });
});
