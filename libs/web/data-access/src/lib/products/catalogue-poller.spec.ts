import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { GOLDEN_TICKET, provideDataAccessTesting } from '../../testing';
import { CATALOGUE_POLL_INTERVAL_MS } from '../config/api-config';
import { catalogueAfter, CataloguePoller, CatalogueState } from './catalogue-poller';

describe('catalogueAfter', () => {
  const answer = (askedAtMs: number) => ({ kind: 'answer' as const, value: [GOLDEN_TICKET], askedAtMs });
  const failed = (failures: number) => ({ kind: 'failed' as const, failures, retryInMs: 1000 });

  it('is an error while it has never answered, then the products as of the answer', () => {
    let state: CatalogueState = { status: 'loading' };
    state = catalogueAfter(state, failed(1));
    expect(state).toEqual({ status: 'error', failures: 1 });
    state = catalogueAfter(state, answer(5000));
    expect(state).toEqual({ status: 'ready', products: [GOLDEN_TICKET], asOfMs: 5000, stale: false });
  });

  it('keeps the last products after a failure, stale and still dated by their answer, until the next one', () => {
    let state = catalogueAfter({ status: 'loading' }, answer(5000));
    state = catalogueAfter(catalogueAfter(state, failed(1)), failed(2));
    expect(state).toEqual({ status: 'ready', products: [GOLDEN_TICKET], asOfMs: 5000, stale: true });
    expect(catalogueAfter(state, answer(9000))).toMatchObject({ asOfMs: 9000, stale: false });
  });
});

describe('CataloguePoller', () => {
  afterEach(() => jest.useRealTimers());

  it('polls /products at its interval, backs off after a failure and recovers', () => {
    jest.useFakeTimers();
    TestBed.configureTestingModule({
      providers: [provideDataAccessTesting(), { provide: CATALOGUE_POLL_INTERVAL_MS, useValue: 1000 }],
    });
    const http = TestBed.inject(HttpTestingController);
    const states: CatalogueState[] = [];
    const subscription = TestBed.inject(CataloguePoller)
      .watch()
      .subscribe((s) => states.push(s));

    http.expectOne('/products').flush([GOLDEN_TICKET]);
    expect(states.at(-1)).toMatchObject({ status: 'ready', stale: false });
    jest.advanceTimersByTime(999);
    http.expectNone('/products');
    jest.advanceTimersByTime(1);
    http.expectOne('/products').error(new ProgressEvent('error'));
    expect(states.at(-1)).toMatchObject({ status: 'ready', stale: true, products: [GOLDEN_TICKET] });
    jest.advanceTimersByTime(1000);
    http.expectOne('/products').flush([]);
    expect(states.at(-1)).toMatchObject({ status: 'ready', stale: false, products: [] });

    subscription.unsubscribe();
    http.verify();
  });
});
