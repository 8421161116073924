import { ApiProperty } from '@nestjs/swagger';
import { CheckIn, CheckInRequest, OrderTicket, TicketKeySet, TicketPublicKey } from '@gtd/shared-contracts';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

const int = (description: string, example: number) =>
  ApiProperty({ type: 'integer', minimum: 1, example, description });
const ORDER_ID = { format: 'uuid', example: '0b9f5a52-7c1e-4d2a-9a57-3c1b8f6f2a10' } as const;

export class OrderTicketDto implements OrderTicket {
  @ApiProperty(ORDER_ID) orderId!: string;
  @int('The drop.', 1) productId!: number;
  @int('Units the ticket admits.', 1) quantity!: number;
  @ApiProperty({
    description:
      'Compact JWS, Ed25519 (`alg: EdDSA`); its payload: `sub` (order id), `aud` (`gtd-ticket`), `pid`, `qty`, `iat`. Show it as a QR code.',
  })
  ticket!: string;
  @ApiProperty({ description: 'The `kid` of the signing key in `GET /tickets/keys`.' }) keyId!: string;
}

export class TicketPublicKeyDto implements TicketPublicKey {
  @ApiProperty({ enum: ['OKP'] }) kty!: 'OKP';
  @ApiProperty({ enum: ['Ed25519'] }) crv!: 'Ed25519';
  @ApiProperty({ description: 'The public key, base64url.' }) x!: string;
  @ApiProperty({ description: 'RFC 7638 thumbprint of the key.' }) kid!: string;
  @ApiProperty({ enum: ['EdDSA'] }) alg!: 'EdDSA';
  @ApiProperty({ enum: ['sig'] }) use!: 'sig';
}

export class TicketKeySetDto implements TicketKeySet {
  @ApiProperty({ type: [TicketPublicKeyDto] }) keys!: TicketPublicKey[];
}

export class CheckInRequestDto implements CheckInRequest {
  @ApiProperty({ description: 'The scanned ticket.', minLength: 1, maxLength: 2048 })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  ticket!: string;

  @ApiProperty({
    description: 'Which door or device scanned it (shown to every later scan of the ticket).',
    example: 'north-gate-2',
    minLength: 1,
    maxLength: 64,
    pattern: '^[\\w .:-]+$',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @Matches(/^[\w .:-]+$/, { message: 'scanner may hold letters, digits, spaces and . : _ - only' })
  scanner!: string;
}

export class CheckInDto implements CheckIn {
  @ApiProperty(ORDER_ID) orderId!: string;
  @int('The drop.', 1) productId!: number;
  @int('Units the ticket admits.', 1) quantity!: number;
  @ApiProperty({ format: 'date-time', example: '2026-12-24T19:30:05.000Z' }) checkedInAt!: string;
  @ApiProperty({ example: 'north-gate-2' }) scanner!: string;
}
