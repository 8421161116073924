import { TestBed } from '@angular/core/testing';
import { DropSummary, ErrorCode } from '@gtd/shared-contracts';
import { Subject } from 'rxjs';
import { SummaryStream } from '../stream/summary-stream-service';
import { SummaryStreamEvent } from '../stream/summary-stream';
import { SellThroughChart } from './sell-through-chart';
import { UPLOT_LOADER } from './sell-through-plots';

// jsdom has no canvas: uPlot is replaced by a recorder of what it was given.
class FakeUPlot {
  static readonly made: FakeUPlot[] = [];
  data: unknown;
  destroyed = false;
  constructor(
    _options: unknown,
    data: unknown,
    readonly host: HTMLElement,
  ) {
    this.data = data;
    FakeUPlot.made.push(this);
  }
  setData(data: unknown) {
    this.data = data;
  }
  sizes = 0;
  setSize() {
    this.sizes++;
  }
  destroy() {
    this.destroyed = true;
  }
}

const SUMMARY: DropSummary = {
  productId: 7,
  state: 'LIVE' as DropSummary['state'],
  stock: 10,
  sold: 3,
  available: 7,
  orders: 2,
  buyers: 2,
  rejects: {},
};

describe('SellThroughChart', () => {
  let events: Subject<SummaryStreamEvent>;
  let watched: [number, string][];

  async function render() {
    events = new Subject();
    watched = [];
    FakeUPlot.made.length = 0;
    TestBed.configureTestingModule({
      providers: [
        {
          provide: SummaryStream,
          useValue: { watch: (id: number, token: string) => (watched.push([id, token]), events) },
        },
        { provide: UPLOT_LOADER, useValue: () => Promise.resolve(FakeUPlot) },
      ],
    });
    const fixture = TestBed.createComponent(SellThroughChart);
    fixture.componentRef.setInput('productId', 7);
    fixture.componentRef.setInput('token', 'tok');
    await fixture.whenStable();
    return fixture;
  }

  const text = (root: HTMLElement, id: string) =>
    root.querySelector(`[data-testid="${id}"]`)?.textContent?.replace(/\s+/g, ' ').trim();

  afterEach(() => TestBed.resetTestingModule());

  it('shows the figures as text, hides the canvases and draws through uPlot', async () => {
    const fixture = await render();
    const root: HTMLElement = fixture.nativeElement;
    expect(watched).toEqual([[7, 'tok']]);
    expect(text(root, 'sell-through-status')).toContain('Connecting');
    events.next({ kind: 'summary', summary: SUMMARY });
    events.next({
      kind: 'summary',
      summary: { ...SUMMARY, sold: 5, available: 5, orders: 4, rejects: { [ErrorCode.LimitReached]: 3 } },
    });
    await fixture.whenStable();
    expect(text(root, 'sold')).toBe('5');
    expect(text(root, 'sell-through-available')).toBe('5');
    expect(text(root, 'sell-through-stock')).toBe('10');
    expect(text(root, 'sell-through-status')).toContain('Live');
    const attempts = root.querySelector('[data-testid="sell-through-attempts"]');
    expect(attempts?.querySelector('[data-outcome="sold"] dd')?.getAttribute('data-value')).toBe('2');
    expect(
      attempts?.querySelector(`[data-outcome="${ErrorCode.LimitReached}"] dd`)?.getAttribute('data-value'),
    ).toBe('3');
    for (const id of ['sell-through-levels-plot', 'sell-through-attempts-plot']) {
      expect(root.querySelector(`[data-testid="${id}"]`)?.getAttribute('aria-hidden')).toBe('true');
    }
    const live = root.querySelector('[data-testid="sell-through-announcement"]');
    expect(live?.getAttribute('aria-live')).toBe('polite');
    expect(FakeUPlot.made.length).toBeGreaterThanOrEqual(2);
    fixture.destroy();
    expect(FakeUPlot.made.every((p) => p.destroyed)).toBe(true);
  });

  it('says it is reconnecting, and emits unauthorized on a refused token', async () => {
    const fixture = await render();
    const root: HTMLElement = fixture.nativeElement;
    let refused = 0;
    fixture.componentInstance.unauthorized.subscribe(() => refused++);
    events.next({ kind: 'reconnecting', failures: 1, retryInMs: 1000, reason: 'HTTP 503' });
    await fixture.whenStable();
    expect(text(root, 'sell-through-status')).toContain('Reconnecting');
    events.next({ kind: 'unauthorized' });
    await fixture.whenStable();
    expect(text(root, 'sell-through-status')).toContain('Token refused');
    expect(refused).toBe(1);
    fixture.destroy();
  });
});
