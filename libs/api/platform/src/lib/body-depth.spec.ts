import { Body, Controller, HttpCode, INestApplication, Module, Post } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { IsInt } from 'class-validator';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { MAX_JSON_DEPTH } from './body-rules';
import { HttpPlatformModule } from './http-platform.module';
import { createHttpApp } from './http-app';

class CountDto {
  @IsInt()
  n!: number;
}

@Controller('count')
class CountController {
  @Post()
  @HttpCode(200)
  count(@Body() body: CountDto): CountDto {
    return body;
  }
}

@Module({ imports: [HttpPlatformModule], controllers: [CountController] })
class CountModule {}

/** `{"x":{"x":…{}…}}`: an object body whose deepest object is at `levels` (the body is level 1). */
const nestedObject = (levels: number): string => '{"x":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);

describe.each(['express', 'fastify'] as const)('JSON nesting depth on %s', (kind) => {
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createHttpApp({ module: CountModule }, kind, join(tmpdir(), 'gtd-no-storefront'));
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(() => app.close());

  const post = async (body: string) => {
    const res = await fetch(`${baseUrl}/count`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return { status: res.status, body: (await res.json()) as { code?: string; detail?: string } };
  };

  // Before the cap: 2,000 objects reached the pipe's recursive walk, 8,000 arrays overflowed it (500).
  it.each([
    ['objects nested 2,000 deep', nestedObject(2000)],
    ['arrays nested 8,000 deep in an object', '{"x":' + '['.repeat(8000) + ']'.repeat(8000) + '}'],
  ])('refuses %s as 400 MALFORMED_JSON, naming the limit', async (_name, body) => {
    const reply = await post(body);
    expect(reply).toMatchObject({ status: 400, body: { code: ErrorCode.MalformedJson } });
    expect(reply.body.detail).toContain(`deeper than ${MAX_JSON_DEPTH} levels`);
  });

  it('refuses one level past the limit, arrays counting as levels too', async () => {
    expect((await post(nestedObject(MAX_JSON_DEPTH + 1))).body.code).toBe(ErrorCode.MalformedJson);
    const arrays = '{"x":' + '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH) + '}';
    expect((await post(arrays)).body.code).toBe(ErrorCode.MalformedJson);
  });

  it('lets a body at the limit through to the validation pipe', async () => {
    // The pipe answers (unknown `x`, missing `n`): the reader did not refuse the nesting.
    expect(await post(nestedObject(MAX_JSON_DEPTH))).toMatchObject({
      status: 400,
      body: { code: ErrorCode.ValidationFailed },
    });
    expect(await post('{"n":1}')).toEqual({ status: 200, body: { n: 1 } });
  });

  it('leaves well-formed bodies that are not objects, however deep, to the pipe (VALIDATION_FAILED)', async () => {
    for (const body of ['null', '[]', '42', '['.repeat(5000) + ']'.repeat(5000)]) {
      expect(await post(body)).toMatchObject({ status: 400, body: { code: ErrorCode.ValidationFailed } });
    }
  });
});
