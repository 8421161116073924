import { FieldError, QueueOrder, QueueSettings } from '@gtd/shared-contracts';
import { fromLocalInput, toLocalInput } from './drop-form.model';

/** The waiting room's fieldset as typed; `admissionsPaused` is carried through, not edited here. */
export interface QueueDraft {
  enabled: boolean;
  preQueueOpensAt: string;
  order: QueueOrder;
  /** Empty: automatic, stock-aware admission. */
  admissionsPerMinute: string;
  stockMultiple: string;
  passLifetimeSeconds: string;
  requireSignIn: boolean;
  /** Empty: no proof-of-work. */
  proofOfWork: string;
  admissionsPaused: boolean;
}

/** Prefix of the waiting room's fields among the form's errors (its own route answers them). */
export const QUEUE_FIELD = 'queue.';

/**
 * The API's defaults for a drop nobody set a queue up for (what `GET …/queue` answers then): a new
 * drop's form starts from them without a round trip for a drop that does not exist yet.
 */
export const QUEUE_DEFAULTS: QueueSettings = {
  enabled: false,
  preQueueOpensAt: null,
  order: 'random',
  admissionsPerMinute: null,
  stockMultiple: 1.2,
  passLifetimeSeconds: 300,
  requireSignIn: false,
  proofOfWork: null,
  admissionsPaused: false,
};

export function queueDraftOf(settings: QueueSettings): QueueDraft {
  const orNone = (value: number | null) => (value === null ? '' : String(value));
  return {
    enabled: settings.enabled,
    preQueueOpensAt: toLocalInput(settings.preQueueOpensAt),
    order: settings.order,
    admissionsPerMinute: orNone(settings.admissionsPerMinute),
    stockMultiple: String(settings.stockMultiple),
    passLifetimeSeconds: String(settings.passLifetimeSeconds),
    requireSignIn: settings.requireSignIn,
    proofOfWork: orNone(settings.proofOfWork),
    admissionsPaused: settings.admissionsPaused,
  };
}

/** Numbers are read as typed; their bounds are the API's to check (and report at the field). */
export function readQueue(draft: QueueDraft): { settings: QueueSettings; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const number = (field: keyof QueueDraft, text: string, optional: boolean): number | null => {
    const value = text.trim();
    if (value === '' && optional) return null;
    const n = Number(value);
    if (value === '' || !Number.isFinite(n)) {
      errors.push({ field: `${QUEUE_FIELD}${field}`, messages: ['Enter a number'] });
      return null;
    }
    return n;
  };
  const preQueueOpensAt = fromLocalInput(draft.preQueueOpensAt);
  if (preQueueOpensAt === undefined) {
    errors.push({
      field: `${QUEUE_FIELD}preQueueOpensAt`,
      messages: ['Enter a date and time, or leave it empty'],
    });
  }
  const settings: QueueSettings = {
    enabled: draft.enabled,
    preQueueOpensAt: preQueueOpensAt ?? null,
    order: draft.order,
    admissionsPerMinute: number('admissionsPerMinute', draft.admissionsPerMinute, true),
    stockMultiple: number('stockMultiple', draft.stockMultiple, false) ?? QUEUE_DEFAULTS.stockMultiple,
    passLifetimeSeconds:
      number('passLifetimeSeconds', draft.passLifetimeSeconds, false) ?? QUEUE_DEFAULTS.passLifetimeSeconds,
    requireSignIn: draft.requireSignIn,
    proofOfWork: number('proofOfWork', draft.proofOfWork, true),
    admissionsPaused: draft.admissionsPaused,
  };
  return { settings, errors };
}

/** Whether the settings differ from the saved ones (instants compared as instants). */
export function queueChanged(before: QueueSettings, after: QueueSettings): boolean {
  const instant = (iso: string | null) => (iso === null ? null : Date.parse(iso));
  return (Object.keys(before) as (keyof QueueSettings)[]).some((key) =>
    key === 'preQueueOpensAt'
      ? instant(before.preQueueOpensAt) !== instant(after.preQueueOpensAt)
      : before[key] !== after[key],
  );
}
