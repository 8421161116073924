import { ErrorCode } from '@gtd/shared-contracts';
import { BearerChallenge, DomainError } from './domain-error';
import { buildProblem } from './problem';
import { preparedProblemAnswer, problemAnswer, ProblemSource } from './problem-answer';

describe('preparedProblemAnswer', () => {
  const soldOut: ProblemSource = Object.freeze({
    code: ErrorCode.SoldOut,
    message: 'Product 2 is sold out.',
    extensions: { productId: 2, available: 0 },
  });

  it('is the bytes the exception path serialises: status, headers and body', () => {
    const prepared = preparedProblemAnswer(soldOut, '/buy');
    const thrown = new DomainError(soldOut.code, soldOut.message, soldOut.extensions);
    const full = problemAnswer(buildProblem(thrown.code, thrown.message, '/buy', thrown.extensions));
    expect(prepared.status).toBe(409);
    expect(prepared.headers).toEqual(full.headers);
    expect(prepared.body.equals(full.body)).toBe(true);
    expect(prepared.body.toString()).toBe(
      '{"type":"urn:golden-ticket-drop:problem:sold-out","title":"Sold out","status":409,' +
        '"detail":"Product 2 is sold out.","code":"SOLD_OUT","instance":"/buy","productId":2,"available":0}',
    );
  });

  it('is built once per source and instance; another instance gets its own URL', () => {
    const first = preparedProblemAnswer(soldOut, '/buy');
    expect(preparedProblemAnswer(soldOut, '/buy')).toBe(first);
    const other = preparedProblemAnswer(soldOut, '/buy?x=1');
    expect(JSON.parse(other.body.toString()).instance).toBe('/buy?x=1');
    expect(preparedProblemAnswer(soldOut, '/buy')).toBe(first);
  });

  it('names the challenge on a 401 and says when to come back', () => {
    const signIn = preparedProblemAnswer({ code: ErrorCode.AuthRequired, message: 'x' }, '/buy');
    expect(signIn.headers).toContainEqual(['WWW-Authenticate', BearerChallenge.required]);
    const limited = preparedProblemAnswer(
      { code: ErrorCode.RateLimited, message: 'x', extensions: { retryAfterSeconds: 7 } },
      '/buy',
    );
    expect(limited.headers).toContainEqual(['Retry-After', '7']);
    expect(limited.headers).not.toContainEqual(expect.arrayContaining(['WWW-Authenticate']));
  });
});
