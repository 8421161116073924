import { Body, Controller, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthSession, ErrorCode } from '@gtd/shared-contracts';
import { ApiProblems, BODY_PROBLEMS, challengeBearer, DomainError } from '@gtd/api-platform';
import { AuthSessionDto, CredentialsDto } from './auth.dto';
import { BuyersService } from './buyers.service';

@ApiTags('buyers')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly buyers: BuyersService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Post('register')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Create a buyer account and sign in',
    description: 'The password is stored only as a scrypt hash. The answer carries a bearer token (JWT).',
  })
  @ApiBody({ type: CredentialsDto })
  @ApiCreatedResponse({ type: AuthSessionDto, description: 'Registered and signed in.' })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.EmailTaken)
  register(@Body() credentials: CredentialsDto): Promise<AuthSession> {
    return this.buyers.register(credentials);
  }

  @Post('sign-in')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Sign in with email and password',
    description: 'An unknown email and a wrong password get the same answer, in the same time.',
  })
  @ApiBody({ type: CredentialsDto })
  @ApiOkResponse({ type: AuthSessionDto, description: 'Signed in.' })
  @ApiProblems(...BODY_PROBLEMS, ErrorCode.InvalidCredentials)
  async signIn(
    @Body() credentials: CredentialsDto,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<AuthSession> {
    try {
      return await this.buyers.signIn(credentials);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.InvalidCredentials) {
        challengeBearer(this.adapterHost, response, false);
      }
      throw error;
    }
  }
}
