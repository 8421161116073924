import { InjectionToken } from '@angular/core';
import type { QueueChallenge } from '@gtd/shared-contracts';

/** Solves a queue's ALTCHA challenge into the `proof` of the join, or `null` when it has no solution. */
export type ProofOfWorkSolver = (challenge: QueueChallenge) => Promise<string | null>;

/**
 * altcha-lib's `solveChallenge` (SHA-256 over the salt and a counter, Web Crypto), loaded only
 * when a queue asks for a proof so other visitors never download it. The payload is what the
 * server's `verifySolution` reads: base64 of the challenge with the number found.
 */
export const solveWithAltcha: ProofOfWorkSolver = async (challenge) => {
  const { solveChallenge } = await import('altcha-lib');
  const solution = await solveChallenge(
    challenge.challenge,
    challenge.salt,
    challenge.algorithm,
    challenge.maxnumber,
  ).promise;
  if (!solution) {
    return null;
  }
  const { algorithm, salt, signature } = challenge;
  return btoa(
    JSON.stringify({ algorithm, challenge: challenge.challenge, number: solution.number, salt, signature }),
  );
};

/** How the join solves a challenge (specs provide a fast fake). */
export const PROOF_OF_WORK_SOLVER = new InjectionToken<ProofOfWorkSolver>('PROOF_OF_WORK_SOLVER', {
  providedIn: 'root',
  factory: () => solveWithAltcha,
});
