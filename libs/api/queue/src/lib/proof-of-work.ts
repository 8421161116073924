import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { createChallenge, extractParams, verifySolution } from 'altcha-lib';
import { Clock, CLOCK, QueueStore } from '@gtd/api-inventory';
import { QueueChallenge } from '@gtd/shared-contracts';
import { QueueTokens } from './queue-tokens';

/** How long a challenge may take to solve and send. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/**
 * ALTCHA proof of work on joining (altcha-lib: SHA-256, the client finds the number). A challenge
 * names its drop and expiry inside its signed salt, and is spent once in the store, so a solution
 * cannot be replayed for a second ticket or carried to another drop.
 */
@Injectable()
export class ProofOfWork {
  constructor(
    @Inject(QueueStore) private readonly store: QueueStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly tokens: QueueTokens,
  ) {}

  async challenge(productId: number, maxNumber: number): Promise<QueueChallenge> {
    const challenge = await createChallenge({
      hmacKey: this.hmacKey,
      maxNumber,
      expires: new Date(this.clock.now() + CHALLENGE_TTL_MS),
      params: { p: String(productId) },
    });
    return {
      algorithm: challenge.algorithm,
      challenge: challenge.challenge,
      maxnumber: challenge.maxnumber ?? maxNumber,
      salt: challenge.salt,
      signature: challenge.signature,
    };
  }

  /** True once per solved, unexpired challenge of this drop. */
  async verify(productId: number, proof: string): Promise<boolean> {
    let payload: { salt?: unknown; signature?: unknown };
    try {
      payload = JSON.parse(Buffer.from(proof, 'base64').toString('utf8')) as typeof payload;
    } catch {
      return false;
    }
    if (typeof payload !== 'object' || payload === null || typeof payload.signature !== 'string')
      return false;
    const params = extractParams(payload as Parameters<typeof extractParams>[0]);
    const expiresAtMs = Number(params['expires']) * 1000;
    const nowMs = this.clock.now();
    if (params['p'] !== String(productId) || !(expiresAtMs > nowMs)) return false;
    // altcha checks expiry against the wall clock; ours (above) is the injectable one.
    if (!(await verifySolution(proof, this.hmacKey, false))) return false;
    return this.store.spendChallenge(`${productId}:${payload.signature}`, expiresAtMs, nowMs);
  }

  private get hmacKey(): string {
    return createHmac('sha256', this.tokens.secret).update('altcha').digest('base64url');
  }
}
