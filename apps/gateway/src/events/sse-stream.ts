import type { ServerResponse } from 'node:http';

/** A slow reader whose unsent frames exceed this is cut off (it reconnects; nothing else waits for it). */
const MAX_BUFFERED_BYTES = 1 << 20;

/** One Server-Sent Events frame: `id`, `event` and the JSON `data` on one line. */
export function sseFrame(id: string, event: string, data: unknown): string {
  return `id: ${oneLine(id)}\nevent: ${oneLine(event)}\ndata: ${JSON.stringify(data ?? null)}\n\n`;
}

/** Ids and event names come from producers: a line break in them would forge fields. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

/**
 * A Server-Sent Events response: headers sent at once, frames as events arrive, a comment line
 * every `heartbeatMs` (keeps proxies from closing an idle stream), cleanup once, whoever ends it.
 */
export class SseStream {
  private heartbeat: NodeJS.Timeout | undefined;
  private ended = false;
  private readonly onEnd: (() => void)[] = [];

  constructor(
    private readonly res: ServerResponse,
    private readonly heartbeatMs: number,
  ) {
    res.once('close', () => this.end());
  }

  /** True once the client went away or the stream was ended. */
  get closed(): boolean {
    return this.ended;
  }

  /** Runs `fn` once when the stream ends (client disconnect, `end()`, shutdown). */
  onClose(fn: () => void): void {
    if (this.ended) fn();
    else this.onEnd.push(fn);
  }

  /** Sends the status and headers now, so the client knows the stream is open. */
  open(headers: Record<string, string> = {}): void {
    if (this.ended) return;
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...headers,
    });
    this.res.write(': connected\n\n');
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), this.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Writes one event. */
  send(id: string, event: string, data: unknown): void {
    this.write(sseFrame(id, event, data));
  }

  /** Ends the response and runs the close callbacks; idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    if (!this.res.writableEnded) this.res.end();
    for (const fn of this.onEnd.splice(0)) fn();
  }

  private write(chunk: string): void {
    if (this.ended) return;
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.end();
      return;
    }
    this.res.write(chunk);
  }
}
