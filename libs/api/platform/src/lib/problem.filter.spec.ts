import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { DomainError } from './domain-error';
import { PROBLEM_CATALOGUE } from './problem';
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
});
