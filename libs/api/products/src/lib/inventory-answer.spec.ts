import { InventoryAnswers } from './inventory-answer';
import { inventoryEtag } from './inventory-etag';

describe('InventoryAnswers', () => {
  it('prepares the body res.json would send, and its tag', () => {
    const prepared = new InventoryAnswers().answer(1, 42, 'live', 1000);
    expect(prepared.body.toString()).toBe(
      JSON.stringify({ productId: 1, available: 42, state: 'live', pollAfterMs: 1000 }),
    );
    expect(prepared.etag).toBe(inventoryEtag(prepared.inventory));
    expect(prepared.etag).toBe('"1-42-live-1000"');
  });

  it('changes exactly when a member of the body changes', () => {
    const answers = new InventoryAnswers();
    const first = answers.answer(1, 42, 'live', 1000);
    expect(answers.answer(1, 42, 'live', 1000)).toBe(first);
    const sold = answers.answer(1, 41, 'live', 1000);
    expect(sold).not.toBe(first);
    expect(sold.etag).not.toBe(first.etag);
    expect(answers.answer(1, 41, 'live', 1000)).toBe(sold);
    expect(answers.answer(1, 41, 'paused', 1000).etag).toBe('"1-41-paused-1000"');
    expect(answers.answer(1, 41, 'paused', 2000).etag).toBe('"1-41-paused-2000"');
  });

  it('keeps one answer per product', () => {
    const answers = new InventoryAnswers();
    const one = answers.answer(1, 5, 'live', 1000);
    const two = answers.answer(2, 5, 'live', 1000);
    expect(two.body.toString()).toContain('"productId":2');
    expect(answers.answer(1, 5, 'live', 1000)).toBe(one);
  });
});
