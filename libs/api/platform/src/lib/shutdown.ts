import { INestApplication, Logger } from '@nestjs/common';
import type { Server } from 'node:http';

/**
 * SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close the store (via Nest's
 * shutdown hooks), exit 0. Nest's own enableShutdownHooks re-raises the signal after closing, which
 * exits 143; an orchestrator reading that as a crash is why this is done here instead.
 */
export function installGracefulShutdown(app: INestApplication, timeoutMs: number): void {
  const logger = new Logger('Shutdown');
  let closing = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: draining in-flight requests`);
    const server = app.getHttpServer() as Server;
    // Keep-alive sockets that finish a response after close() began would hold the server open.
    const reaper = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => {
      logger.warn(`Still busy after ${timeoutMs} ms; closing remaining connections`);
      server.closeAllConnections();
    }, timeoutMs);
    try {
      await app.close();
      process.exitCode = 0;
    } catch (error) {
      logger.error('Shutdown failed', error instanceof Error ? error.stack : String(error));
      process.exitCode = 1;
    } finally {
      clearInterval(reaper);
      clearTimeout(deadline);
    }
    // Give the logger a turn to flush, then leave even if a stray handle would keep us alive.
    setTimeout(() => process.exit(), 100).unref();
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
