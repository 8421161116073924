import { LOCALE_ID, Pipe, PipeTransform, inject } from '@angular/core';

/**
 * An instant for buyers, in their own time zone and with its name, since a drop opens at one
 * second for everyone: `Tue, Jan 1, 10:00 AM UTC`. An unreadable value is shown as given.
 */
export function formatInstant(iso: string, locale: string): string {
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
    timeZoneName: 'short',
  }).format(ms);
}

/** `{{ product.startsAt | instant }}` */
@Pipe({ name: 'instant' })
export class InstantPipe implements PipeTransform {
  private readonly locale = inject(LOCALE_ID);

  transform(iso: string): string {
    return formatInstant(iso, this.locale);
  }
}
