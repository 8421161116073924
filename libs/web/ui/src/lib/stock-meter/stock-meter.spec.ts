import { TestBed } from '@angular/core/testing';
import { StockMeter, StockReading } from './stock-meter';

describe('StockMeter', () => {
  function render(state: StockReading, lastKnown: number | null = null): HTMLElement {
    const fixture = TestBed.createComponent(StockMeter);
    fixture.componentRef.setInput('state', state);
    fixture.componentRef.setInput('stock', 100);
    fixture.componentRef.setInput('lastKnown', lastKnown);
    fixture.detectChanges();
    return fixture.nativeElement;
  }
  const part = (el: HTMLElement, testId: string) => el.querySelector(`[data-testid="${testId}"]`);

  it('shows what is left of the stock, and "Almost gone" under a tenth', () => {
    const el = render({ status: 'live', available: 9 });
    expect(part(el, 'stock-count')?.textContent?.trim()).toBe('9 left');
    expect(part(el, 'stock-low')).not.toBeNull();
    expect(part(el, 'stock-bar')?.getAttribute('aria-valuetext')).toBe('9 of 100 left');
  });

  it('while reconnecting shows no number, and keeps the bar at the last known count', () => {
    const el = render({ status: 'reconnecting' }, 40);
    expect(part(el, 'stock-count')).toBeNull();
    expect(part(el, 'stock-reconnecting')?.textContent).toContain('Reconnecting…');
    expect(part(el, 'stock-bar')?.getAttribute('aria-valuenow')).toBe('40');
    expect(part(el, 'stock-bar')?.getAttribute('aria-valuetext')).toBe('Unknown, reconnecting');
  });
});

describe('StockMeter announcements', () => {
  it('speaks at a threshold and on reconnecting, never per poll', () => {
    const fixture = TestBed.createComponent(StockMeter);
    fixture.componentRef.setInput('stock', 100);
    const said = () =>
      (fixture.nativeElement as HTMLElement)
        .querySelector('[data-testid="stock-announcement"]')
        ?.textContent?.trim();
    const show = (state: StockReading) => {
      fixture.componentRef.setInput('state', state);
      fixture.detectChanges();
      return said();
    };
    expect(show({ status: 'live', available: 40 })).toBe('');
    expect(show({ status: 'live', available: 30 })).toBe('');
    expect(show({ status: 'live', available: 9 })).toBe('Only 9 left.');
    expect(show({ status: 'live', available: 8 })).toBe('Only 9 left.');
    expect(show({ status: 'reconnecting' })).toBe('Connection lost. Reconnecting to the store…');
    expect(show({ status: 'live', available: 1 })).toBe('Reconnected. 1 left.');
  });
});
