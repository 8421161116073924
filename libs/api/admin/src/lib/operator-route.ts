import { applyDecorators, createParamDecorator, ExecutionContext, Param, Type } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiOperationOptions } from '@nestjs/swagger';
import { ErrorCode } from '@gtd/shared-contracts';
import { ApiPositiveIntParam, ApiProblems, BODY_PROBLEMS, ParsePositiveIntPipe } from '@gtd/api-platform';
import { operatorActor } from './audit-log';

/** The audit log's actor for this request: the operator and the client address it called from. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): string =>
  operatorActor(context.switchToHttp().getRequest<{ ip?: string }>().ip),
);

/** The product a route is about: a plain positive integer, else 400 VALIDATION_FAILED. */
export const ProductId = (): ParameterDecorator => Param('id', ParsePositiveIntPipe);

/**
 * The documentation of a route on one product (`:id`): a bad id is 400, an unknown one 404, and a
 * route with a `body` answers its problems too. Listed in the order Nest applies stacked decorators.
 */
export function ProductRoute(operation: ApiOperationOptions, answer: Type, body?: Type): MethodDecorator {
  return applyDecorators(
    ApiProblems(...(body ? BODY_PROBLEMS : [ErrorCode.ValidationFailed]), ErrorCode.ProductNotFound),
    ApiOkResponse({ type: answer }),
    ...(body ? [ApiBody({ type: body })] : []),
    ApiPositiveIntParam('id'),
    ApiOperation(operation),
  );
}
