import { SseEvent, SseParser } from './sse-parser';

/** Everything a parser dispatches for `chunks` fed in order. */
function parse(chunks: string[]): SseEvent[] {
  const parser = new SseParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

const message = (data: string, lastEventId = ''): SseEvent => ({ type: 'message', data, lastEventId });

/** A stream as the API writes it: heartbeat comments between JSON events. */
const STREAM =
  ': heartbeat\n\n' +
  'data: {"productId":1,"sold":1}\n\n' +
  ': heartbeat\n\n' +
  'data: {"productId":1,"sold":2}\n\n' +
  'data: {"productId":1,"sold":3}\n\n';
const STREAM_EVENTS = [1, 2, 3].map((sold) => message(`{"productId":1,"sold":${sold}}`));

describe('SseParser', () => {
  it('dispatches each event at its blank line, several in one chunk, and drops comments', () => {
    expect(parse([STREAM])).toEqual(STREAM_EVENTS);
  });

  it('gives the same events wherever the chunks split the stream', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      expect(parse([STREAM.slice(0, cut), STREAM.slice(cut)])).toEqual(STREAM_EVENTS);
    }
    for (let a = 1; a < STREAM.length; a += 7) {
      for (let b = a; b < STREAM.length; b += 5) {
        expect(parse([STREAM.slice(0, a), STREAM.slice(a, b), STREAM.slice(b)])).toEqual(STREAM_EVENTS);
      }
    }
    expect(parse([...STREAM])).toEqual(STREAM_EVENTS);
  });

  it('dispatches nothing before the blank line that ends the event', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"sold":1}')).toEqual([]);
    expect(parser.push('\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([message('{"sold":1}')]);
  });

  it('takes CRLF, lone CR and LF as line breaks, mixed in one stream', () => {
    const events = [message('a'), message('b'), message('c'), message('d')];
    expect(parse(['data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\n'])).toEqual(events);
    const crlf = 'data: a\r\n\r\ndata: b\r\n\r\n: hi\r\n\r\ndata: c\r\n\r\ndata: d\r\n\r\n';
    for (let cut = 0; cut <= crlf.length; cut++) {
      expect(parse([crlf.slice(0, cut), crlf.slice(cut)])).toEqual(events);
    }
  });

  it('does not read a CRLF split between chunks as two line breaks (which would end the event early)', () => {
    expect(parse(['data: a\r', '\ndata: b\r\n\r\n'])).toEqual([message('a\nb')]);
    // An empty chunk between the CR and the LF changes nothing.
    expect(parse(['data: a\r', '', '\ndata: b\r', '\n\r', '\n'])).toEqual([message('a\nb')]);
    // A CR at a chunk's end followed by anything else is a line break of its own.
    expect(parse(['data: a\r', '\r'])).toEqual([message('a')]);
  });

  it('joins data lines with LF and keeps the text after one optional space', () => {
    expect(parse(['data: one\ndata:two\ndata:  three\ndata\n\n'])).toEqual([message('one\ntwo\n three\n')]);
    expect(parse(['data:\n\n'])).toEqual([message('')]);
  });

  it('splits a field at its first colon only', () => {
    expect(parse(['data: {"a":"b:c"}\n\n'])).toEqual([message('{"a":"b:c"}')]);
  });

  it('names events by `event:`, for that event only, and carries `id:` over to later events', () => {
    expect(parse(['event: ping\nid: 7\ndata: x\n\ndata: y\n\n'])).toEqual([
      { type: 'ping', data: 'x', lastEventId: '7' },
      message('y', '7'),
    ]);
  });

  it('dispatches no event without data, and forgets its name', () => {
    expect(parse(['event: ping\n\n', ': only a comment\n\n', '\n\n', 'data: z\n\n'])).toEqual([message('z')]);
  });

  it('ignores unknown fields and reads a numeric retry', () => {
    const parser = new SseParser();
    expect(parser.push('foo: bar\nretry: 2500\ndata: x\n\n')).toEqual([message('x')]);
    expect(parser.retryMs).toBe(2500);
    parser.push('retry: soon\n\n');
    expect(parser.retryMs).toBe(2500);
  });

  it('discards an event cut off by the end of the stream', () => {
    const parser = new SseParser();
    expect(parser.push('data: complete\n\ndata: cut off\n')).toEqual([message('complete')]);
  });
});
