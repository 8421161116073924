import { LoggerService } from '@nestjs/common';
import { Logger as NestPinoLogger, PinoLogger } from 'nestjs-pino';
import pino, { DestinationStream, Logger as RootLogger } from 'pino';

export type { Logger as RootLogger } from 'pino';

/** Injection token of the process's root pino logger (request lines and, through nestjs-pino, Nest's). */
export const ROOT_LOGGER = Symbol('RootLogger');

/**
 * One JSON object per line on stdout, `time` in epoch milliseconds. Writes are asynchronous
 * (sonic-boom gathers the lines that arrive while a write is in flight into the next one): measured
 * on a sold-out hammer, synchronous writes cost ~35 µs more CPU per logged request. pino flushes
 * what is pending when the process exits.
 *
 * No pino `redact`: it costs ~3 µs on every line (a third of writing one), and the only code that
 * logs request headers, RequestObserver, picks a few and censors `authorization` itself.
 */
export function createRootLogger(level: string, destination?: DestinationStream): RootLogger {
  return pino(
    {
      level,
      // "level":"info" rather than 30: readable without pino's number table, as log pipelines expect.
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/**
 * nestjs-pino's LoggerService over `root`, for Nest's own lines and every `new Logger(context)` of
 * the app: the same JSON lines as the request log, with `context` naming the class.
 */
export function nestLoggerOver(root: RootLogger): LoggerService {
  return new NestPinoLogger(new PinoLogger({ pinoHttp: { logger: root } }), {});
}
