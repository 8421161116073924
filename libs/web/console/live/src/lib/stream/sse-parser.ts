/** One dispatched server-sent event. */
export interface SseEvent {
  /** The `event:` field, or `message` when the event named none. */
  readonly type: string;
  /** The `data:` lines joined with `\n`. */
  readonly data: string;
  /** The last `id:` seen on the stream so far (it carries over to later events, as in EventSource). */
  readonly lastEventId: string;
}

/**
 * The `text/event-stream` framing of the HTML standard ("Interpreting an event stream"), fed the
 * decoded text as it arrives. A network chunk may end anywhere — inside a field name, between the
 * CR and LF of one line break, or after half an event — and may hold many events, so nothing is
 * dispatched before its blank line arrives and a trailing CR waits for the next chunk to see
 * whether an LF follows. Comments (`:` lines, the server's heartbeat) and unknown fields are
 * dropped; an event cut off by the end of the stream is discarded, as the standard says. Decoding
 * bytes to text (UTF-8, a leading BOM) is the caller's TextDecoder's job (`stream: true`).
 */
export class SseParser {
  /** Text after the last line break, waiting for the rest of its line. */
  private partial = '';
  /** The previous chunk ended in CR: an LF opening the next one belongs to that line break. */
  private afterCr = false;
  private data: string[] = [];
  private type = '';
  private lastEventId = '';
  /** The server's `retry:` in milliseconds, when it sent one. */
  retryMs: number | undefined;

  /** Feeds one decoded chunk; returns the events it completed, in order. */
  push(chunk: string): SseEvent[] {
    let text = chunk;
    if (this.afterCr && text.length > 0) {
      this.afterCr = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    const events: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.partial + text.slice(start, i);
      this.partial = '';
      if (c === 13) {
        if (i + 1 === text.length) this.afterCr = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.partial += text.slice(start);
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.type = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const data = this.data;
    const type = this.type || 'message';
    this.data = [];
    this.type = '';
    // An event with no data line is not dispatched (its `event:` name is forgotten with it).
    if (data.length === 0) return undefined;
    return { type, data: data.join('\n'), lastEventId: this.lastEventId };
  }
}
