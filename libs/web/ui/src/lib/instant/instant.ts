import { LOCALE_ID, Pipe, PipeTransform, inject } from '@angular/core';

/**
 * Under this long before an instant, it is shown to the second: a buyer watching an opening less
 * than an hour away acts on the second ("2:02 PM" for 14:02:30 would send them in 30 s early),
 * while one further off needs only the minute.
 */
export const TO_THE_SECOND_WITHIN_MS = 60 * 60_000;

/** Whether `atMs` is shown with seconds, seen at `nowMs`: in the future and less than an hour away. */
export function showsSeconds(atMs: number, nowMs: number | null | undefined): boolean {
  return nowMs !== null && nowMs !== undefined && atMs > nowMs && atMs - nowMs < TO_THE_SECOND_WITHIN_MS;
}

/**
 * An instant for buyers, in their own time zone and with its name, since a drop opens at one
 * second for everyone: `Tue, Jan 1, 10:00 AM UTC`; with `nowMs` and the instant less than an hour
 * ahead of it, to the second (`Tue, Jan 1, 10:00:30 AM UTC`). An unreadable value is shown as given.
 */
export function formatInstant(iso: string, locale: string, nowMs?: number | null): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    return iso;
  }
  return new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    ...(showsSeconds(ms, nowMs) ? { second: '2-digit' } : {}),
    timeZoneName: 'short',
  }).format(ms);
}

/** A time of day to the second, for "as of" notes: `2:02:10 PM`. */
export function formatTimeOfDay(ms: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', second: '2-digit' }).format(
    ms,
  );
}

/** `{{ product.startsAt | instant }}`, or `{{ product.startsAt | instant: nowMs }}` for seconds when near. */
@Pipe({ name: 'instant' })
export class InstantPipe implements PipeTransform {
  private readonly locale = inject(LOCALE_ID);

  transform(iso: string, nowMs?: number | null): string {
    return formatInstant(iso, this.locale, nowMs);
  }
}
