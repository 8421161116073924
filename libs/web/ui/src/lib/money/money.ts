import { LOCALE_ID, Pipe, PipeTransform, inject } from '@angular/core';

/**
 * Formats an amount in the currency's minor unit (cents for EUR, yen for JPY) for display:
 * `formatMinorUnits(5000, 'EUR', 'en-US')` → `€50.00`. The number of minor digits comes from
 * Intl, so zero-decimal currencies are right too.
 */
export function formatMinorUnits(amount: number, currency: string, locale: string): string {
  try {
    const format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
    });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amount / 10 ** digits);
  } catch {
    // An unknown currency code must not take the page down.
    return `${(amount / 100).toFixed(2)} ${currency}`;
  }
}

/** `{{ product.price | money: product.currency }}` */
@Pipe({ name: 'money' })
export class MoneyPipe implements PipeTransform {
  private readonly locale = inject(LOCALE_ID);

  transform(amount: number, currency: string): string {
    return formatMinorUnits(amount, currency, this.locale);
  }
}
