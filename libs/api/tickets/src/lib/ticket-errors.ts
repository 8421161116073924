import { DomainError } from '@gtd/api-platform';
import { ErrorCode } from '@gtd/shared-contracts';
import { CheckInRecord } from '@gtd/api-inventory';

export const ticketInvalid = () =>
  new DomainError(
    ErrorCode.TicketInvalid,
    'This is not a ticket of this system: it is malformed, altered, or signed by another key',
  );

export const alreadyCheckedIn = (checkIn: CheckInRecord) =>
  new DomainError(
    ErrorCode.AlreadyCheckedIn,
    `This ticket was admitted at ${new Date(checkIn.atMs).toISOString()} by ${checkIn.scanner}`,
    { checkedInAt: new Date(checkIn.atMs).toISOString(), scanner: checkIn.scanner },
  );

export const ticketRevoked = (orderId: string, cancelledAt: string) =>
  new DomainError(
    ErrorCode.TicketRevoked,
    `Order ${orderId} was cancelled at ${cancelledAt}: its ticket admits no one`,
    { cancelledAt },
  );
