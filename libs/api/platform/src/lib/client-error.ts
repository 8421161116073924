import { ErrorCode } from '@gtd/shared-contracts';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { buildProblem } from './problem';
import { REQUEST_ID_HEADER } from './request-id';

/** Node's statuses for the parse errors that have their own (as its default handler answers them). */
const STATUS_BY_CODE: Record<string, number> = {
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_HEADER_OVERFLOW: 431,
};

/**
 * Node's `clientError`: a request that is not HTTP Node can parse (a malformed request line, an
 * invalid header, headers too large) never reaches a route or the problem filter. Node's own answer
 * is a bare `400 Bad Request`; this one is the same problem+json as every other error
 * (`BAD_REQUEST`, with its request id), then the connection is closed — after a parse error the
 * rest of the bytes cannot be trusted. Installed on both platforms (createHttpApp).
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = STATUS_BY_CODE[error.code ?? ''] ?? 400;
  const problem = {
    ...buildProblem(ErrorCode.BadRequest, 'The request is not well-formed HTTP.'),
    status,
  };
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/problem+json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `${REQUEST_ID_HEADER}: ${randomUUID()}\r\n` +
      'X-Content-Type-Options: nosniff\r\n' +
      'Connection: close\r\n\r\n' +
      body,
  );
}
