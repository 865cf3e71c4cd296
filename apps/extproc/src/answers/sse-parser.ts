export interface SseEvent {
  /** The `event:` field; 'message' when absent. */
  type: string;
  data: string;
}

const LINE_END = /\r\n|\r|\n/g;

/**
 * Incremental server-sent-events parser (the WHATWG framing): chunks may split an event, a line, a CRLF or
 * a UTF-8 character anywhere, or carry several events. One event is held at most `maxEventChars` long:
 * a longer one is dropped whole and counted, so a stream without line ends cannot grow memory.
 */
export class SseParser {
  readonly #maxEventChars: number;
  readonly #decoder = new TextDecoder('utf-8');
  #partial = '';
  #data: string[] = [];
  #dataChars = 0;
  #type = '';
  #skipLeadingLf = false;
  #dropping = false;
  /** Events dropped for being over the size limit. */
  dropped = 0;

  constructor(maxEventChars: number) {
    this.#maxEventChars = maxEventChars;
  }

  push(chunk: Uint8Array): SseEvent[] {
    return this.#feed(this.#decoder.decode(chunk, { stream: true }));
  }

  /** The stream ended: an event not yet closed by a blank line is still delivered (lenient upstreams). */
  end(): SseEvent[] {
    const events = this.#feed(this.#decoder.decode());
    if (this.#partial !== '') this.#line(this.#partial, events);
    this.#partial = '';
    this.#line('', events);
    return events;
  }

  #feed(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.#skipLeadingLf && text.startsWith('\n')) text = text.slice(1);
    if (text !== '') this.#skipLeadingLf = false;
    let start = 0;
    LINE_END.lastIndex = 0;
    for (let m = LINE_END.exec(text); m; m = LINE_END.exec(text)) {
      this.#line(this.#partial + text.slice(start, m.index), events);
      this.#partial = '';
      start = m.index + m[0].length;
      // A CR that ends the chunk may be the first half of a CRLF whose LF opens the next chunk.
      if (m[0] === '\r' && start === text.length) this.#skipLeadingLf = true;
    }
    this.#partial += text.slice(start);
    if (this.#partial.length + this.#dataChars > this.#maxEventChars) {
      this.#partial = '';
      this.#drop();
    }
    return events;
  }

  #line(line: string, events: SseEvent[]): void {
    if (line === '') {
      if (this.#dropping) this.dropped++;
      else if (this.#data.some((d) => d !== '')) events.push({ type: this.#type || 'message', data: this.#data.join('\n') });
      this.#data = [];
      this.#dataChars = 0;
      this.#type = '';
      this.#dropping = false;
      return;
    }
    if (this.#dropping || line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#type = value;
    else if (field === 'data') {
      this.#data.push(value);
      this.#dataChars += value.length + 1;
      if (this.#dataChars > this.#maxEventChars) this.#drop();
    }
  }

  #drop(): void {
    this.#dropping = true;
    this.#data = [];
    this.#dataChars = 0;
  }
}
