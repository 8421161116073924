import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ErrorCode, ProblemDetails } from '@gtd/shared-contracts';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error';
import { buildProblem } from './problem';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.BadRequest,
  404: ErrorCode.RouteNotFound,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  503: ErrorCode.ServiceUnavailable,
};

/**
 * Turns every error into one RFC 9457 body with a stable `code`. Client mistakes keep their 4xx and
 * a safe message; anything unexpected becomes a 500 whose details stay in the log, never the body.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(exception, request.originalUrl ?? request.url);
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  toProblem(exception: unknown, instance: string): ProblemDetails {
    if (exception instanceof DomainError) {
      return buildProblem(exception.code, exception.message, instance, exception.extensions);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status < 500 || status === 503) {
        const code = STATUS_CODES[status] ?? ErrorCode.BadRequest;
        const detail =
          code === ErrorCode.RouteNotFound ? `No route for ${instance.split('?')[0]}.` : exception.message;
        return { ...buildProblem(code, detail, instance), status };
      }
    }
    this.logger.error(
      `Unhandled error on ${instance}`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    return buildProblem(ErrorCode.InternalError, 'The server could not complete the request.', instance);
  }
}
