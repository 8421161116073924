import { DomainError } from '@gtd/api-platform';
import { ErrorCode, PurchaseFaultOutcome } from '@gtd/shared-contracts';

/** The queue's refusals, one factory per answer, each with the members the client acts on. */
export const queueNotEnabled = (productId: number) =>
  new DomainError(ErrorCode.QueueNotEnabled, `Product ${productId} has no waiting room`, { productId });

export const queueClosed = (productId: number, detail: string) =>
  new DomainError(ErrorCode.QueueClosed, detail, { productId });

export const ticketInvalid = (productId: number) =>
  new DomainError(
    ErrorCode.QueueTicketInvalid,
    `The Queue-Ticket is missing, not valid, or not one of product ${productId}'s queue`,
    { productId },
  );

export const notYourTurn = (productId: number, position: number | null, admittedThrough: number) =>
  new DomainError(
    ErrorCode.QueueNotYourTurn,
    position === null
      ? 'Your place is drawn when the drop opens; ask again then'
      : `Admission has reached position ${admittedThrough}; yours is ${position}`,
    { productId, admittedThrough, ...(position === null ? {} : { position }) },
  );

export const queueNotDrawn = (productId: number) =>
  new DomainError(
    ErrorCode.QueueNotDrawn,
    'The pre-queue’s order is drawn when the drop opens; ask again then',
    {
      productId,
    },
  );

export const passRequired = (productId: number) =>
  new DomainError(
    ErrorCode.QueuePassRequired,
    `Product ${productId} sells through its waiting room: join it and buy with the pass it gives (Queue-Pass)`,
    { productId },
  );

export const passExpired = (productId: number, expiresAtMs: number) =>
  new DomainError(ErrorCode.QueuePassExpired, 'Your turn in the waiting room has run out', {
    productId,
    expiresAt: new Date(expiresAtMs).toISOString(),
  });

export const passInvalid = (productId: number) =>
  new DomainError(
    ErrorCode.QueuePassInvalid,
    `The Queue-Pass is not valid for product ${productId} (or for this buyer)`,
    { productId },
  );

export const passUsed = (productId: number) =>
  new DomainError(ErrorCode.QueuePassUsed, 'This pass has already bought; an anonymous pass buys once', {
    productId,
  });

export const proofRequired = (productId: number) =>
  new DomainError(
    ErrorCode.ProofOfWorkRequired,
    'Joining this queue needs a solved challenge: GET the challenge, solve it, send it as `proof`',
    { productId },
  );

export const proofInvalid = (productId: number) =>
  new DomainError(ErrorCode.ProofOfWorkInvalid, 'The proof is wrong, expired, or was used before', {
    productId,
  });

export const signInToJoin = (productId: number) =>
  new DomainError(
    ErrorCode.AuthRequired,
    `Product ${productId}'s queue is for signed-in buyers: sign in to join.`,
    {
      productId,
    },
  );

/** The store could not check an anonymous pass's claim: the purchase was never attempted. */
export const passCheckUnavailable = () =>
  new DomainError(
    ErrorCode.ServiceUnavailable,
    'The waiting room could not check your pass; nothing was sold. Try again shortly.',
    { purchase: PurchaseFaultOutcome.NotMade, retryAfterSeconds: 1 },
  );
