import { splitDuration } from '@gtd/web-ui';

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** The estimated wait in words, rounded up to the minute: a guess, never a promise to the second. */
export function formatWait(ms: number | null): string | null {
  if (ms === null) {
    return null;
  }
  if (ms < 60_000) {
    return 'less than a minute';
  }
  const { days, hours, minutes } = splitDuration(Math.ceil(ms / 60_000) * 60_000);
  const totalHours = days * 24 + hours;
  return `about ${[totalHours && plural(totalHours, 'hour'), minutes && plural(minutes, 'minute')].filter(Boolean).join(' ')}`;
}

/** What is left of a turn, as the digits show it (m:ss). */
export function formatTurnLeft(ms: number): string {
  const { days, hours, minutes, seconds } = splitDuration(ms);
  return `${(days * 24 + hours) * 60 + minutes}:${seconds.toString().padStart(2, '0')}`;
}

/** The same to the minute, for a screen reader's timer label (read on demand, never pushed). */
export function spokenTurnLeft(ms: number): string {
  if (ms < 60_000) {
    return ms === 0 ? 'Your turn has ended' : 'Less than a minute left to buy';
  }
  return `About ${plural(Math.ceil(ms / 60_000), 'minute')} left to buy`;
}

/** Why a join was refused, by the API's code. */
export function joinRefusalText(code: string, detail: string | null): string {
  switch (code) {
    case 'QUEUE_CLOSED':
      return detail ?? 'The waiting room is not open right now.';
    case 'AUTH_REQUIRED':
      return 'This waiting room is for signed-in buyers: sign in to join.';
    case 'RATE_LIMITED':
      return 'Too many joins from your connection: wait a minute and try again.';
    case 'PROOF_OF_WORK_INVALID':
    case 'PROOF_OF_WORK_REQUIRED':
    case 'PROOF_OF_WORK_UNSOLVED':
      return 'Your browser could not complete the quick check. Try again.';
    case 'NETWORK':
      return 'Could not reach the store. Check your connection and try again.';
    default:
      return detail ?? 'You could not join the waiting room. Try again.';
  }
}
