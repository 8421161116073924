import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { DependencyUnavailable } from './dependency-unavailable';
import { BearerChallenge, DomainError, unauthorized } from './domain-error';
import { PROBLEM_CATALOGUE } from './problem';
import { preparedProblemAnswer } from './problem-answer';
import { ProblemDetailsFilter } from './problem.filter';

describe('ProblemDetailsFilter', () => {
  const filter = new ProblemDetailsFilter({} as never);

  it('maps a domain error by its code, keeping its extensions', () => {
    const problem = filter.toProblem(
      new DomainError(ErrorCode.InsufficientStock, 'Only 2 left.', { available: 2, productId: 1 }),
      '/buy',
    );
    expect(problem).toEqual({
      type: 'urn:golden-ticket-drop:problem:insufficient-stock',
      title: 'Not enough stock left',
      status: 409,
      detail: 'Only 2 left.',
      code: ErrorCode.InsufficientStock,
      instance: '/buy',
      available: 2,
      productId: 1,
    });
  });

  it('gives every code a distinct type and a client or server status', () => {
    const types = Object.values(ErrorCode).map(
      (code) => filter.toProblem(new DomainError(code, 'x'), '/').type,
    );
    expect(new Set(types).size).toBe(Object.values(ErrorCode).length);
    for (const { status } of Object.values(PROBLEM_CATALOGUE)) expect(status).toBeGreaterThanOrEqual(400);
  });

  it('maps framework client errors to stable codes', () => {
    expect(filter.toProblem(new NotFoundException(), '/nope?x=1')).toMatchObject({
      status: 404,
      code: ErrorCode.RouteNotFound,
      detail: 'No route for /nope.',
    });
    expect(filter.toProblem(new PayloadTooLargeException(), '/buy').code).toBe(ErrorCode.PayloadTooLarge);
    expect(filter.toProblem(new BadRequestException('bad'), '/buy')).toMatchObject({
      status: 400,
      code: ErrorCode.BadRequest,
    });
  });

  it('hides the details of unexpected errors', () => {
    const logged = jest.spyOn(filter['logger'], 'error').mockImplementation(() => undefined);
    const problem = filter.toProblem(new Error('SQLITE_CORRUPT at /var/data/secret.sqlite'), '/buy');
    expect(problem).toMatchObject({ status: 500, code: ErrorCode.InternalError });
    expect(JSON.stringify(problem)).not.toMatch(/SQLITE|secret|at /);
    expect(logged).toHaveBeenCalled();
  });

  it('tells a client abort (Node\'s "aborted") from a fault: a 400, logged at debug without a stack', () => {
    // The spy of an earlier test may be reused: only this test's calls count.
    const errors = jest.spyOn(filter['logger'], 'error').mockImplementation(() => undefined);
    errors.mockClear();
    const debug = jest.spyOn(filter['logger'], 'debug').mockImplementation(() => undefined);
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    expect(filter.toProblem(aborted, '/buy', 'req-1')).toMatchObject({
      status: 400,
      code: ErrorCode.BadRequest,
    });
    expect(errors).not.toHaveBeenCalled();
    expect(debug).toHaveBeenCalledWith({
      msg: expect.stringMatching(/closed the connection/),
      reqId: 'req-1',
    });
  });

  it('answers a dependency fault 503 with Retry-After, its cause only in the log', () => {
    const logged = jest.spyOn(filter['logger'], 'warn').mockImplementation(() => undefined);
    const fault = new DependencyUnavailable('postgres', true, {
      cause: new Error('ECONNREFUSED 10.0.0.7:5432'),
    });
    const problem = filter.toProblem(fault, '/products');
    expect(problem).toMatchObject({ status: 503, code: ErrorCode.ServiceUnavailable, retryAfterSeconds: 2 });
    expect(problem.detail).toBe('The postgres store is not answering; try again shortly.');
    expect(JSON.stringify(problem)).not.toMatch(/ECONNREFUSED|10\.0/);
    expect(logged).toHaveBeenCalledTimes(1);
  });
});

describe('ProblemDetailsFilter answering', () => {
  const filter = () => new ProblemDetailsFilter({} as never);
  /** The status, headers and body the filter writes through the HTTP adapter (the same calls on both platforms). */
  function answer(exception: unknown): { status: number; headers: Record<string, string>; body: string } {
    const written = { status: 0, headers: {} as Record<string, string>, body: '' };
    const httpAdapter = {
      getType: () => 'fastify',
      getRequestUrl: () => '/x',
      isHeadersSent: () => false,
      setHeader: (_response: object, name: string, value: string) => (written.headers[name] = value),
    };
    const reply = {
      raw: {},
      code: (status: number) => {
        written.status = status;
        return { send: (body: Buffer) => (written.body = body.toString()) };
      },
    };
    const host = { switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({}) }) };
    new ProblemDetailsFilter({ httpAdapter } as never).catch(exception, host as never);
    return written;
  }

  it('writes the problem as problem+json, the same bytes as its prepared answer', () => {
    const error = new DomainError(ErrorCode.SoldOut, 'Product 2 is sold out.', {
      productId: 2,
      available: 0,
    });
    const written = answer(error);
    const prepared = preparedProblemAnswer(error, '/x');
    expect(written.status).toBe(409);
    expect(written.headers['Content-Type']).toBe('application/problem+json; charset=utf-8');
    expect(written.body).toBe(prepared.body.toString());
    expect(JSON.parse(written.body)).toEqual(filter().toProblem(error, '/x'));
  });

  it.each<[string, DomainError, string]>([
    ['no credentials', unauthorized('x', false), 'Bearer'],
    ['wrong credentials', unauthorized('x', true), 'Bearer error="invalid_token"'],
    ['a sign-in required', new DomainError(ErrorCode.AuthRequired, 'x'), 'Bearer'],
    ['a refused sign-in', new DomainError(ErrorCode.InvalidCredentials, 'x'), 'Bearer'],
  ])('names the bearer scheme on a 401 for %s', (_case, error, challenge) => {
    expect(answer(error)).toMatchObject({ status: 401, headers: { 'WWW-Authenticate': challenge } });
  });

  it('sends no challenge with any other status', () => {
    const forbidden = answer(new DomainError(ErrorCode.AdminDisabled, 'x', {}, BearerChallenge.required));
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers).not.toHaveProperty('WWW-Authenticate');
    expect(answer(new DomainError(ErrorCode.SoldOut, 'x')).headers).not.toHaveProperty('WWW-Authenticate');
  });
});
