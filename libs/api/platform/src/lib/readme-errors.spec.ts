import { ErrorCode } from '@gtd/shared-contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_JSON_DEPTH, tooDeepError } from './body-rules';
import { DomainError } from './domain-error';
import { ContractValidationPipe } from './validation';

// The README's error table is the contract clients read; these rows are decided here, in the body
// readers and the pipe, so this spec keeps their wording true to what the code answers.
const README = readFileSync(join(__dirname, '../../../../../README.md'), 'utf8');

/** The "when" column of the error-table row that lists `code`. */
function whenOf(code: ErrorCode | undefined): string | undefined {
  const row = README.split('\n').find((line) => /^\| \d{3} /.test(line) && line.includes(`\`${code}\``));
  return row?.split('|')[3]?.trim();
}

async function codeOf(answer: () => Promise<unknown>): Promise<ErrorCode | undefined> {
  try {
    await answer();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
  }
  return undefined;
}

describe('README error table', () => {
  it('documents a well-formed body that is not an object under the code the pipe answers', async () => {
    const pipe = new ContractValidationPipe();
    for (const body of [null, [], 42]) {
      const code = await codeOf(() => pipe.transform(body, { type: 'body' }));
      expect(code).toBe(ErrorCode.ValidationFailed);
      expect(whenOf(code)).toMatch(/not a JSON object/);
    }
    expect(whenOf(ErrorCode.MalformedJson)).not.toMatch(/not a JSON object/);
  });

  it('documents the nesting cap under the code the body readers answer', () => {
    const deep = JSON.parse('{"x":'.repeat(MAX_JSON_DEPTH) + '{}' + '}'.repeat(MAX_JSON_DEPTH));
    expect(whenOf(tooDeepError(deep)?.code)).toContain(`deeper than ${MAX_JSON_DEPTH} levels`);
  });
});
