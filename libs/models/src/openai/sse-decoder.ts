/**
 * Incremental decoder of a `text/event-stream` body into the `data` of its events, as the
 * WHATWG EventSource algorithm reads it: lines end with LF, CRLF or CR (also split across
 * pushes); `data:` fields of one event are joined with LF (one optional space after the colon
 * is dropped); comment lines (`:`) and other fields (`event`, `id`, `retry`) are ignored; a
 * blank line dispatches the event; an event with no `data` is skipped. Text only: feed it
 * through a streaming `TextDecoder`.
 */
export class SseDecoder {
  private buffer = '';
  private data: string[] = [];
  /** The previous push ended with CR: a LF at the start of the next belongs to it. */
  private pendingCr = false;

  /** Decodes `text` and returns the `data` of every event it completed. */
  push(text: string): string[] {
    let input = text;
    if (this.pendingCr && input.startsWith('\n')) input = input.slice(1);
    this.pendingCr = false;
    this.buffer += input;
    const out: string[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A CR at the very end may be the first half of CRLF: take the line now, drop a LF that follows.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) this.pendingCr = true;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line, out);
    }
    return out;
  }

  /**
   * The body ended. An event not closed by a blank line is dropped (the stream was cut), except
   * a lone `[DONE]`, which some servers send without the final blank line.
   */
  end(): string[] {
    const out: string[] = [];
    if (this.buffer !== '') this.line(this.buffer, []);
    this.buffer = '';
    const pending = this.data.join('\n');
    this.data = [];
    if (pending === '[DONE]') out.push(pending);
    return out;
  }

  private line(line: string, out: string[]): void {
    if (line === '') {
      if (this.data.length > 0) out.push(this.data.join('\n'));
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
  }
}
