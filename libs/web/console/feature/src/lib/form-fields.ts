import { FieldError } from '@gtd/shared-contracts';
import { FieldMessages } from './drop-form.model';
import { QUEUE_FIELD } from './waiting-room.model';

/** How the API's field names read to the operator, in the error summary. */
const LABELS: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  price: 'Price',
  currency: 'Currency',
  stock: 'Stock',
  startsAt: 'Opens',
  endsAt: 'Closes',
  perBuyerLimit: 'Per-buyer limit',
  [`${QUEUE_FIELD}enabled`]: 'Waiting room',
  [`${QUEUE_FIELD}preQueueOpensAt`]: 'Joining opens',
  [`${QUEUE_FIELD}order`]: 'Order of the waiting room',
  [`${QUEUE_FIELD}admissionsPerMinute`]: 'Admissions per minute',
  [`${QUEUE_FIELD}stockMultiple`]: 'Stock multiple',
  [`${QUEUE_FIELD}passLifetimeSeconds`]: 'Pass lifetime',
  [`${QUEUE_FIELD}requireSignIn`]: 'Sign-in required',
  [`${QUEUE_FIELD}proofOfWork`]: 'Proof-of-work difficulty',
};

/** The id of a field's input: `drop-price`, `queue-order`. */
export function inputId(field: string): string {
  return field.startsWith(QUEUE_FIELD) ? `queue-${field.slice(QUEUE_FIELD.length)}` : `drop-${field}`;
}

/** One line of the error summary; `target` is the input it leads to, `null` for a form-wide error. */
export interface SummaryLine {
  target: string | null;
  text: string;
}

/** In the order the API (or the form) gave them; fields the form does not show get no link. */
export function summaryLines(errors: FieldError[], shown: (field: string) => boolean): SummaryLine[] {
  return errors.flatMap((e) =>
    e.messages.map((message) => {
      const label = LABELS[e.field];
      return {
        target: label && shown(e.field) ? inputId(e.field) : null,
        text: label ? `${label}: ${message}` : message,
      };
    }),
  );
}

/** What a template needs to mark a field invalid and tie its message to it (aria-describedby). */
export class FieldErrors {
  constructor(private readonly messages: () => FieldMessages) {}

  of(field: string): string[] {
    return this.messages()[field] ?? [];
  }

  /** `aria-invalid`'s value: `'true'` or absent. */
  invalid(field: string): 'true' | null {
    return this.of(field).length > 0 ? 'true' : null;
  }

  id(field: string): string {
    return inputId(field);
  }

  errorId(field: string): string {
    return `${inputId(field)}-error`;
  }

  /** The hints' ids, then the error's when there is one; `null` when nothing describes the field. */
  describedBy(field: string, ...hints: string[]): string | null {
    const ids = [...hints, ...(this.of(field).length > 0 ? [this.errorId(field)] : [])];
    return ids.length > 0 ? ids.join(' ') : null;
  }
}
