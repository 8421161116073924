import { TestBed } from '@angular/core/testing';
import {
  API_BASE_URL,
  INVENTORY_MAX_BACKOFF_MS,
  INVENTORY_POLL_INTERVAL_MS,
  provideStorefrontApi,
  PURCHASE_TIMEOUT_MS,
} from './api-config';

describe('provideStorefrontApi', () => {
  it('keeps the defaults it is not given', () => {
    TestBed.configureTestingModule({ providers: provideStorefrontApi({ pollIntervalMs: 500 }) });
    expect(TestBed.inject(INVENTORY_POLL_INTERVAL_MS)).toBe(500);
    expect(TestBed.inject(API_BASE_URL)).toBe('');
    expect(TestBed.inject(INVENTORY_MAX_BACKOFF_MS)).toBe(10_000);
    expect(TestBed.inject(PURCHASE_TIMEOUT_MS)).toBe(20_000);
  });

  it('drops trailing slashes from the base URL, so routes join with one', () => {
    TestBed.configureTestingModule({ providers: provideStorefrontApi({ baseUrl: 'https://api.example//' }) });
    expect(TestBed.inject(API_BASE_URL)).toBe('https://api.example');
  });
});
