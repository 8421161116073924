import { ApiProperty } from '@nestjs/swagger';
import { AuthSession, Buyer, Credentials } from '@gtd/shared-contracts';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export class CredentialsDto implements Credentials {
  @ApiProperty({
    example: 'charlie@example.com',
    maxLength: 254,
    description: 'Compared case-insensitively.',
  })
  @IsString()
  @MaxLength(254)
  @IsEmail()
  email!: string;

  @ApiProperty({
    example: 'correct horse battery staple',
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    format: 'password',
  })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password!: string;
}

export class BuyerDto implements Buyer {
  @ApiProperty({ example: '6f1c2a8e-3b7d-4c1e-9a55-2d8f0b7e4c31', format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'charlie@example.com' }) email!: string;
}

export class AuthSessionDto implements AuthSession {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`.' })
  accessToken!: string;
  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiProperty({ example: 3600, description: 'Seconds until the token expires.' }) expiresIn!: number;
  @ApiProperty({ type: BuyerDto }) buyer!: Buyer;
}
