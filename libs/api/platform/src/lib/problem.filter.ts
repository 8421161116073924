import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ErrorCode, ProblemDetails } from '@gtd/shared-contracts';
import { BearerChallenge, DomainError } from './domain-error';
import { BodyProblem } from './body-rules';
import { DependencyUnavailable, dependencyUnavailable } from './dependency-unavailable';
import { buildProblem } from './problem';
import { problemAnswer, sendProblemAnswer } from './problem-answer';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.BadRequest,
  404: ErrorCode.RouteNotFound,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  503: ErrorCode.ServiceUnavailable,
};

/** Every 401 names the scheme that would succeed (a bearer token), as the error says or bare. */
function challengeOf(exception: unknown, status: number): BearerChallenge | undefined {
  if (status !== 401) return undefined;
  return exception instanceof DomainError ? exception.challenge : undefined;
}

/**
 * Node's error for a request whose connection closed before its body arrived (Fastify's body reader
 * passes it on; Express's reader turns it into its own 400 first).
 */
function isClientAbort(exception: unknown): boolean {
  return (
    exception instanceof Error &&
    exception.message === 'aborted' &&
    (exception as NodeJS.ErrnoException).code === 'ECONNRESET'
  );
}

/**
 * Turns every error into one RFC 9457 body with a stable `code`. Client mistakes keep their 4xx and
 * a safe message; anything unexpected becomes a 500 whose details stay in the log, never the body.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  // Through the adapter host, so Express and Fastify answer byte for byte the same.
  catch(exception: unknown, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const http = host.switchToHttp();
    const response = http.getResponse<object>();
    const request = http.getRequest<{ id?: string }>();
    const problem = this.toProblem(exception, String(httpAdapter.getRequestUrl(request)), request.id);
    if (httpAdapter.isHeadersSent(response)) {
      httpAdapter.end(response);
      return;
    }
    sendProblemAnswer(httpAdapter, response, problemAnswer(problem, challengeOf(exception, problem.status)));
  }

  /** `requestId` (see RequestObserver) ties the log line of a 5xx to the request's own line. */
  toProblem(exception: unknown, instance: string, requestId?: string): ProblemDetails {
    if (exception instanceof DomainError) {
      return buildProblem(exception.code, exception.message, instance, exception.extensions);
    }
    if (exception instanceof DependencyUnavailable) {
      // Not a bug: the dependency's own error goes to the log (once per request), never to the body.
      this.logger.warn({
        msg: `${exception.message} on ${instance}`,
        reqId: requestId,
        err: exception.cause,
      });
      const { code, message, extensions } = dependencyUnavailable(exception);
      return buildProblem(code, message, instance, extensions);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status < 500 || status === 503) {
        const code = STATUS_CODES[status] ?? ErrorCode.BadRequest;
        // Framework messages differ between Express and Fastify; where one code has one meaning,
        // say it in our words so both platforms answer alike.
        const detail =
          code === ErrorCode.RouteNotFound
            ? `No route for ${instance.split('?')[0]}.`
            : code === ErrorCode.PayloadTooLarge
              ? BodyProblem.tooLarge
              : exception.message;
        return { ...buildProblem(code, detail, instance), status };
      }
    }
    if (isClientAbort(exception)) {
      // The client left while sending its body: nobody will read the answer, nothing failed here.
      this.logger.debug({
        msg: `Client closed the connection during the request on ${instance}`,
        reqId: requestId,
      });
      return buildProblem(
        ErrorCode.BadRequest,
        'The request was not complete: the client closed it.',
        instance,
      );
    }
    this.logger.error({
      msg: `Unhandled error on ${instance}`,
      reqId: requestId,
      err: exception instanceof Error ? exception : String(exception),
    });
    return buildProblem(ErrorCode.InternalError, 'The server could not complete the request.', instance);
  }
}
