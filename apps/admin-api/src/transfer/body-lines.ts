/**
 * A request body as text lines, read as they are consumed (the import waits while it embeds, and so does the
 * sender). Counts bytes against the limit as they arrive, for bodies sent without a content-length.
 */
export class BodyLines implements AsyncIterable<string> {
  readonly #body: ReadableStream<Uint8Array> | null;
  readonly #maxBytes: number;
  /** Set when the body went over the limit: reading stopped there. */
  tooLarge = false;

  constructor(body: ReadableStream<Uint8Array> | null, maxBytes: number) {
    this.#body = body;
    this.#maxBytes = maxBytes;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    if (!this.#body) return;
    const reader = this.#body.getReader();
    const decoder = new TextDecoder();
    let bytes = 0;
    let rest = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        if (bytes > this.#maxBytes) {
          this.tooLarge = true;
          throw new Error(`the body is over the import limit of ${this.#maxBytes} bytes (admin.maxImportBytes)`);
        }
        // Only the new text is split: a long line spread over many chunks is joined once, not rescanned per chunk.
        const lines = decoder.decode(value, { stream: true }).split('\n');
        lines[0] = rest + lines[0]!;
        rest = lines.pop()!;
        for (const line of lines) yield stripCr(line);
      }
      rest += decoder.decode();
      if (rest !== '') yield stripCr(rest);
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }
}

const stripCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);
