import { AdminProduct, CreateDropRequest, FieldError, UpdateDropRequest } from '@gtd/shared-contracts';
import { readProblem } from '@gtd/web-data-access';

/** The drop form as typed: every field a string, read (and checked) only on submit. */
export interface DropDraft {
  name: string;
  description: string;
  /** In major units of `currency`, e.g. `25.00`. */
  price: string;
  currency: string;
  stock: string;
  /** `<input type="datetime-local">` values: the operator's wall clock, no zone. */
  startsAt: string;
  endsAt: string;
  perBuyerLimit: string;
}

export type DropField = keyof DropDraft;

/** Field name → its messages; the API's `errors` and the form's own checks land in the same place. */
export type FieldMessages = Record<string, string[]>;

export const EMPTY_DRAFT: DropDraft = {
  name: '',
  description: '',
  price: '',
  currency: 'EUR',
  stock: '',
  startsAt: '',
  endsAt: '',
  perBuyerLimit: '',
};

/**
 * How many minor digits a currency has (2 for EUR, 0 for JPY), as Intl knows it; an unknown code
 * (which the API will refuse at its own field) counts as 2 so the price can still be read.
 */
export function currencyDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/**
 * `25.00` EUR → 2500: the API takes minor units. Read as text, never through floating point
 * (`19.99 * 100` is 1998.9999…). `null`: not an amount with at most the currency's decimals.
 */
export function toMinorUnits(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const match = /^(\d+)(?:[.,](\d*))?$/.exec(text.trim());
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  const minor = Number(match[1] + fraction.padEnd(digits, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}

/** 2500 EUR → `25.00`, the form's way of showing a stored price. */
export function toMajorUnits(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  if (digits === 0) return String(minor);
  const text = String(minor).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * An instant as a `datetime-local` value in this browser's time zone; to the second only when it
 * has seconds, so an untouched field reads back as the same instant.
 */
export function toLocalInput(iso: string | null): string {
  if (iso === null) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const minutes = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
  return at.getSeconds() === 0 ? minutes : `${minutes}:${pad(at.getSeconds())}`;
}

/**
 * A `datetime-local` value (the operator's wall clock) as an ISO instant in UTC: `''` → `null`
 * (no bound), unreadable → `undefined`. A local time skipped by a daylight-saving change is moved
 * forward by the browser, as the picker itself does.
 */
export function fromLocalInput(value: string): string | null | undefined {
  if (value.trim() === '') return null;
  const m = LOCAL_INPUT.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map((part) => Number(part ?? 0));
  const at = new Date(year, month - 1, day, hour, minute, second);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** This browser's IANA zone, e.g. `Europe/Paris`: named beside the pickers. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'local time';
}

const UTC_TEXT = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'medium',
  timeZone: 'UTC',
});

/** What a picker's value is in UTC, shown beside it (`''` when blank or unreadable). */
export function utcEquivalent(value: string): string {
  const iso = fromLocalInput(value);
  return iso ? `${UTC_TEXT.format(new Date(iso))} UTC` : '';
}

export function draftOf(product: AdminProduct): DropDraft {
  return {
    name: product.name,
    description: product.description,
    price: toMajorUnits(product.price, product.currency),
    currency: product.currency,
    stock: String(product.stock),
    startsAt: toLocalInput(product.startsAt),
    endsAt: toLocalInput(product.endsAt),
    perBuyerLimit: product.perBuyerLimit === null ? '' : String(product.perBuyerLimit),
  };
}

const WHOLE = /^\d+$/;

/** What the form can tell before the API does; the API's rules (lengths, ISO 4217…) stay the API's. */
export function readDraft(
  draft: DropDraft,
  withStock: boolean,
): { request: CreateDropRequest; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: DropField, message: string) => errors.push({ field, messages: [message] });
  const currency = draft.currency.trim();
  if (draft.name.trim() === '') fail('name', 'Enter a name');
  if (currency === '') fail('currency', 'Enter a currency code, e.g. EUR');
  const price = toMinorUnits(draft.price, currency);
  if (draft.price.trim() === '') fail('price', 'Enter a price, e.g. 25.00');
  else if (price === null)
    fail(
      'price',
      `Enter the price as an amount with at most ${currencyDigits(currency)} decimals, e.g. 25.00`,
    );
  const stock = draft.stock.trim();
  if (withStock && !WHOLE.test(stock)) fail('stock', 'Enter the stock as a whole number, e.g. 100');
  const limit = draft.perBuyerLimit.trim();
  if (limit !== '' && !WHOLE.test(limit)) fail('perBuyerLimit', 'Enter a whole number, or leave it empty');
  const startsAt = fromLocalInput(draft.startsAt);
  const endsAt = fromLocalInput(draft.endsAt);
  if (startsAt === undefined) fail('startsAt', 'Enter a date and time, or leave it empty');
  if (endsAt === undefined) fail('endsAt', 'Enter a date and time, or leave it empty');
  const request: CreateDropRequest = {
    name: draft.name,
    description: draft.description,
    price: price ?? 0,
    currency,
    stock: Number(stock),
    startsAt: startsAt ?? null,
    endsAt: endsAt ?? null,
    perBuyerLimit: limit === '' ? null : Number(limit),
  };
  return { request, errors };
}

/** The body of a create: what was left empty is left out, the API's defaults apply. */
export function createBody(request: CreateDropRequest): CreateDropRequest {
  const body: CreateDropRequest = {
    name: request.name,
    price: request.price,
    currency: request.currency,
    stock: request.stock,
  };
  if (request.description !== '') body.description = request.description;
  if (request.startsAt) body.startsAt = request.startsAt;
  if (request.endsAt) body.endsAt = request.endsAt;
  if (request.perBuyerLimit !== null) body.perBuyerLimit = request.perBuyerLimit;
  return body;
}

const sameInstant = (a: string | null, b: string | null | undefined) =>
  (a === null ? null : Date.parse(a)) === (b ? Date.parse(b) : null);

/**
 * The PATCH of an edit: only what differs from the drop as loaded, so the audit entry names what
 * the operator changed and a concurrent change to another field is not overwritten.
 */
export function changedFields(before: AdminProduct, after: CreateDropRequest): UpdateDropRequest {
  const change: UpdateDropRequest = {};
  if (after.name !== before.name) change.name = after.name;
  if (after.description !== before.description) change.description = after.description;
  if (after.price !== before.price) change.price = after.price;
  if (after.currency !== before.currency) change.currency = after.currency;
  if (!sameInstant(before.startsAt, after.startsAt)) change.startsAt = after.startsAt ?? null;
  if (!sameInstant(before.endsAt, after.endsAt)) change.endsAt = after.endsAt ?? null;
  if ((after.perBuyerLimit ?? null) !== before.perBuyerLimit)
    change.perBuyerLimit = after.perBuyerLimit ?? null;
  return change;
}

/** The field errors of an API answer (400 VALIDATION_FAILED), `prefix`ed to tell sub-forms apart. */
export function problemErrors(error: unknown, prefix = ''): FieldError[] | null {
  const problem = readProblem((error as { error?: unknown } | null)?.error);
  if (!problem || !Array.isArray(problem.errors)) return null;
  return problem.errors.map((e) => ({ field: `${prefix}${e.field}`, messages: e.messages }));
}

export function byField(errors: FieldError[]): FieldMessages {
  const out: FieldMessages = {};
  for (const e of errors) (out[e.field] ??= []).push(...e.messages);
  return out;
}
