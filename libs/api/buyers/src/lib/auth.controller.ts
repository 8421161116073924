import { applyDecorators, Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuthSession, ErrorCode } from '@gtd/shared-contracts';
import { ApiProblems, BODY_PROBLEMS } from '@gtd/api-platform';
import { AuthSessionDto, CredentialsDto, SignInDto } from './auth.dto';
import { AuthThrottlerGuard } from './auth-throttler.guard';
import { BuyersService } from './buyers.service';

/** Both routes take email and password and answer a session; they differ in status, wording and refusal. */
function CredentialsRoute(route: {
  status: HttpStatus.CREATED | HttpStatus.OK;
  body: typeof CredentialsDto | typeof SignInDto;
  summary: string;
  description: string;
  answered: string;
  refusal: ErrorCode;
}): MethodDecorator {
  return applyDecorators(
    HttpCode(route.status),
    // Before validation and before any hash: a flood is turned away at its cheapest.
    UseGuards(AuthThrottlerGuard),
    ApiOperation({ summary: route.summary, description: route.description }),
    ApiBody({ type: route.body }),
    ApiResponse({ status: route.status, type: AuthSessionDto, description: route.answered }),
    ApiProblems(...BODY_PROBLEMS, route.refusal, ErrorCode.RateLimited, ErrorCode.ServiceUnavailable),
  );
}

@ApiTags('buyers')
@Controller('auth')
export class AuthController {
  constructor(private readonly buyers: BuyersService) {}

  @Post('register')
  @CredentialsRoute({
    status: HttpStatus.CREATED,
    body: CredentialsDto,
    summary: 'Create a buyer account and sign in',
    description: 'The password is stored only as a scrypt hash. The answer carries a bearer token (JWT).',
    answered: 'Registered and signed in.',
    refusal: ErrorCode.EmailTaken,
  })
  register(@Body() credentials: CredentialsDto): Promise<AuthSession> {
    return this.buyers.register(credentials);
  }

  // A refused sign-in is a 401: the problem filter adds its `WWW-Authenticate: Bearer`.
  @Post('sign-in')
  @CredentialsRoute({
    status: HttpStatus.OK,
    body: SignInDto,
    summary: 'Sign in with email and password',
    description: 'An unknown email and a wrong password get the same answer, in the same time.',
    answered: 'Signed in.',
    refusal: ErrorCode.InvalidCredentials,
  })
  signIn(@Body() credentials: SignInDto): Promise<AuthSession> {
    return this.buyers.signIn(credentials);
  }
}
