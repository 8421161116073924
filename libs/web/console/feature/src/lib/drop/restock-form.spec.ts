import { problem } from '@gtd/web-data-access/testing';
import { DropPageFixture, openDropPage, PRODUCT, SUMMARY } from './drop-page.testing';

describe('RestockForm (on the drop page)', () => {
  let page: DropPageFixture;

  afterEach(() => page?.http.verify());

  async function review(mode: 'add' | 'set', quantity: string): Promise<void> {
    const radio = page.root.querySelector<HTMLInputElement>(`input[name="restock-mode"][value="${mode}"]`);
    radio?.click();
    const input = page.q('restock-quantity') as HTMLInputElement;
    input.value = quantity;
    input.dispatchEvent(new Event('input'));
    page.q('restock-form')?.dispatchEvent(new Event('submit'));
    await page.settle();
  }

  it('shows before → after from the current figures and sends nothing until confirmed', async () => {
    page = await openDropPage();
    await review('add', '10');
    expect(page.text('restock-preview')).toBe('Available 40 → 50, stock 100 → 110');
    page.http.expectNone(() => true);
    expect(document.activeElement).toBe(page.q('restock-confirm-button'));

    await page.click('restock-confirm-button');
    const sent = page.expect('POST', '/admin/products/1/restock');
    expect(sent.request.body).toEqual({ mode: 'add', quantity: 10 });
    // A sale landed in between: the server's answer, not the preview, is what is said.
    sent.flush({ ...PRODUCT, stock: 110, available: 48 });
    await page.settle();
    expect(page.text('drop-announcement')).toBe('Restocked: available 48, stock 110.');
    expect(page.q('restock-confirm')).toBeNull();
    page
      .expect('GET', '/admin/products/1/summary')
      .flush({ ...SUMMARY, stock: 110, available: 48, sold: 62 });
    await page.settle();
    expect(page.q('figure-available')?.dataset['value']).toBe('48');
    expect(page.q('figure-stock')?.dataset['value']).toBe('110');
  });

  it('previews a set as available = quantity and stock = sold + quantity, and can go back', async () => {
    page = await openDropPage();
    await review('set', '25');
    expect(page.text('restock-preview')).toBe('Available 40 → 25, stock 100 → 85');
    page.root.querySelector<HTMLButtonElement>('[data-testid="restock-confirm"] button:last-child')?.click();
    await page.settle();
    expect(page.q('restock-confirm')).toBeNull();
    await review('set', '25');
    await page.click('restock-confirm-button');
    expect(page.expect('POST', '/admin/products/1/restock').request.body).toEqual({
      mode: 'set',
      quantity: 25,
    });
  });

  it('refuses a quantity that is not a whole number at the field, without sending', async () => {
    page = await openDropPage();
    await review('add', '-3');
    expect(page.text('restock-quantity-error')).toMatch(/whole number/);
    expect(page.q('restock-quantity')?.getAttribute('aria-invalid')).toBe('true');
    expect(page.q('restock-confirm')).toBeNull();
  });

  it("shows the API's field errors at the field they name", async () => {
    page = await openDropPage();
    await review('add', '2147483600');
    await page.click('restock-confirm-button');
    page.expect('POST', '/admin/products/1/restock').flush(
      problem(400, 'VALIDATION_FAILED', {
        errors: [{ field: 'quantity', messages: ['stock would exceed 2147483647 (currently 100)'] }],
      }),
      { status: 400, statusText: 'x' },
    );
    await page.settle();
    expect(page.text('restock-quantity-error')).toBe('stock would exceed 2147483647 (currently 100)');
    const input = page.q('restock-quantity');
    expect(input?.getAttribute('aria-invalid')).toBe('true');
    expect(input?.getAttribute('aria-describedby')).toBe('restock-quantity-error');
    expect(page.q('restock-error')).toBeNull();
    expect(page.text('drop-announcement')).toBe('The restock was refused.');
  });

  it('shows a refusal without field errors as an alert', async () => {
    page = await openDropPage();
    await review('add', '1');
    await page.click('restock-confirm-button');
    page
      .expect('POST', '/admin/products/1/restock')
      .flush(problem(404, 'PRODUCT_NOT_FOUND', { detail: 'No product 1' }), { status: 404, statusText: 'x' });
    await page.settle();
    expect(page.text('restock-error')).toBe('No product 1');
    expect(page.q('restock-quantity-error')).toBeNull();
  });
});
