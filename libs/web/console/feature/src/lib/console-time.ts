/** `second`: when something happened (orders, audit); `minute`: when something is set to happen. */
export type TimePrecision = 'second' | 'minute';

const STYLE = { second: 'medium', minute: 'short' } as const;
const LOCAL = {
  second: new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: STYLE.second }),
  minute: new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: STYLE.minute }),
};
const UTC = {
  second: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: STYLE.second, timeZone: 'UTC' }),
  minute: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: STYLE.minute, timeZone: 'UTC' }),
};

/** An instant in the operator's own time zone (the browser's). */
export function localTime(iso: string, precision: TimePrecision = 'second'): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : LOCAL[precision].format(ms);
}

/** The same instant in UTC, for the title: operators across zones compare notes in UTC. */
export function utcTime(iso: string, precision: TimePrecision = 'second'): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${UTC[precision].format(ms)} UTC`;
}
