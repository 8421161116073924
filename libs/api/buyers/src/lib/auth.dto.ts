import { ApiProperty } from '@nestjs/swagger';
import { AuthSession, Buyer, Credentials } from '@gtd/shared-contracts';
import { buildMessage, isEmail, IsString, Length, MaxLength, ValidateBy } from 'class-validator';
import { emailRefusal } from './email-canonical';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * class-validator's `isEmail` throws ("URI malformed") on a lone UTF-16 surrogate, which would be a
 * 500; a string that is not well-formed Unicode is simply not an email, so it never reaches it.
 * Same name and message as `@IsEmail()`, so the field error reads the same.
 */
function IsWellFormedEmail(): PropertyDecorator {
  return ValidateBy({
    name: 'isEmail',
    validator: {
      validate: (value) => typeof value === 'string' && !/\p{Cs}/u.test(value) && isEmail(value),
      defaultMessage: buildMessage((prefix) => `${prefix}$property must be an email`),
    },
  });
}

/**
 * An email that can be an account: not a mix of scripts before the `@` (a Cyrillic `а` among Latin
 * letters), not only invisible characters there. Runs after the format check, which it relies on.
 */
function IsAccountEmail(): PropertyDecorator {
  // Not an email at all is the format check's one message, not a second one here.
  const judged = (value: unknown): value is string =>
    typeof value === 'string' && !/\p{Cs}/u.test(value) && isEmail(value);
  return ValidateBy({
    name: 'isAccountEmail',
    validator: {
      validate: (value) => !judged(value) || emailRefusal(value) === undefined,
      defaultMessage: (args) => emailRefusal(String(args?.value)) ?? 'email must be an email',
    },
  });
}

/** The email both routes take; the password rules differ (registration's length rules are its own). */
abstract class EmailCredentials {
  @ApiProperty({
    example: 'charlie@example.com',
    maxLength: 254,
    description:
      'Compared by its canonical form (NFKC, invisible characters dropped, lower case, `+tag` and Gmail dots ' +
      'per the server policy); a local part mixing scripts is refused.',
  })
  @IsString()
  @MaxLength(254)
  @IsWellFormedEmail()
  @IsAccountEmail()
  email!: string;
}

export class CredentialsDto extends EmailCredentials implements Credentials {
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

/**
 * Sign-in checks a password only against its hash: a short one is simply wrong (401), never a 400
 * that would say more than "wrong". The maximum stays, so nobody makes us scrypt a huge string.
 */
export class SignInDto extends EmailCredentials implements Credentials {
  @ApiProperty({
    example: 'correct horse battery staple',
    maxLength: PASSWORD_MAX_LENGTH,
    format: 'password',
  })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
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
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    example: 3600,
    description: 'Seconds until the token expires.',
  })
  expiresIn!: number;
  @ApiProperty({ type: BuyerDto }) buyer!: Buyer;
}
