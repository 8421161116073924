import { TestBed } from '@angular/core/testing';
import { buyerSession as session } from '../../testing';
import { BuyerSession, SESSION_STORAGE } from './buyer-session';

describe('BuyerSession', () => {
  let storage: Storage;

  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2030-01-01T10:00:00.000Z') });
    storage = window.sessionStorage;
    storage.clear();
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
  });

  function create(store: Storage | null = storage): BuyerSession {
    TestBed.configureTestingModule({ providers: [{ provide: SESSION_STORAGE, useValue: store }] });
    return TestBed.inject(BuyerSession);
  }

  it('starts signed out', () => {
    const buyer = create();
    expect(buyer.signedIn()).toBe(false);
    expect(buyer.buyer()).toBeNull();
    expect(buyer.token()).toBeNull();
  });

  it('keeps a session in sessionStorage, so a reload of the tab stays signed in', () => {
    create().start(session('token-1'));
    expect(JSON.parse(storage.getItem('gtd.buyer-session') ?? 'null')).toMatchObject({
      accessToken: 'token-1',
      buyer: { email: 'ada@example.com' },
    });

    TestBed.resetTestingModule(); // a reload: a new app reads what the tab kept
    const reloaded = create();
    expect(reloaded.buyer()).toEqual({ id: 'b-1', email: 'ada@example.com' });
    expect(reloaded.token()).toBe('token-1');
  });

  it('signs out: forgets the token here and in storage', () => {
    const buyer = create();
    buyer.start(session());
    buyer.signOut();
    expect(buyer.signedIn()).toBe(false);
    expect(buyer.expired()).toBe(false);
    expect(storage.getItem('gtd.buyer-session')).toBeNull();
  });

  it('ends the session when the token runs out (a little early), and says it expired', () => {
    const buyer = create();
    buyer.start(session('token-1', 60));
    jest.advanceTimersByTime(49_000);
    expect(buyer.token()).toBe('token-1');
    jest.advanceTimersByTime(1_000);
    expect(buyer.signedIn()).toBe(false);
    expect(buyer.expired()).toBe(true);
    expect(storage.getItem('gtd.buyer-session')).toBeNull();

    buyer.start(session('token-2'));
    expect(buyer.expired()).toBe(false);
  });

  it('drops an expired or malformed stored session instead of restoring it', () => {
    storage.setItem(
      'gtd.buyer-session',
      JSON.stringify({ accessToken: 't', expiresAtMs: Date.now() - 1, buyer: { id: 'b', email: 'e' } }),
    );
    expect(create().signedIn()).toBe(false);
    expect(storage.getItem('gtd.buyer-session')).toBeNull();

    TestBed.resetTestingModule();
    storage.setItem('gtd.buyer-session', '{not json');
    expect(create().signedIn()).toBe(false);
    expect(storage.getItem('gtd.buyer-session')).toBeNull();
  });

  it('works without storage (blocked or unavailable) for the life of the page', () => {
    const buyer = create(null);
    buyer.start(session('token-1'));
    expect(buyer.token()).toBe('token-1');
  });

  it('expire(token) ignores a token that is no longer the current one', () => {
    const buyer = create();
    buyer.start(session('new'));
    buyer.expire('old');
    expect(buyer.signedIn()).toBe(true);
    buyer.expire('new');
    expect(buyer.signedIn()).toBe(false);
  });
});
