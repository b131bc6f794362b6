import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { SseStream, sseFrame } from './sse-stream';

/** A response stand-in that keeps what was written. */
class FakeResponse extends EventEmitter {
  status = 0;
  headers: Record<string, string> = {};
  chunks: string[] = [];
  writableEnded = false;
  writableLength = 0;
  writeHead(status: number, headers: Record<string, string>) {
    this.status = status;
    this.headers = headers;
  }
  write(chunk: string) {
    this.chunks.push(chunk);
    return true;
  }
  end() {
    this.writableEnded = true;
  }
}

describe('sseFrame()', () => {
  it('writes id, event and the JSON data on one line each, ended by a blank line', () => {
    expect(sseFrame('e1', 'delta', { taskId: 't1', seq: 0, text: 'two\nlines' })).toBe(
      'id: e1\nevent: delta\ndata: {"taskId":"t1","seq":0,"text":"two\\nlines"}\n\n',
    );
  });

  it('cannot be given extra fields through a line break in the id', () => {
    expect(sseFrame('e1\ndata: forged', 'reply', null)).toBe('id: e1 data: forged\nevent: reply\ndata: null\n\n');
  });
});

describe('SseStream', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends event-stream headers at once, frames, and a comment line every heartbeat', () => {
    const res = new FakeResponse();
    const stream = new SseStream(res as unknown as ServerResponse, 1000);
    stream.open();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['cache-control']).toContain('no-cache');
    stream.send('e1', 'reply', { text: 'hi' });
    jest.advanceTimersByTime(2500);
    expect(res.chunks).toEqual([': connected\n\n', 'id: e1\nevent: reply\ndata: {"text":"hi"}\n\n', ': heartbeat\n\n', ': heartbeat\n\n']);
  });

  it('cleans up once when the client goes away, and writes nothing after', () => {
    const res = new FakeResponse();
    const stream = new SseStream(res as unknown as ServerResponse, 1000);
    const cleanup = jest.fn();
    stream.onClose(cleanup);
    stream.open();
    res.emit('close');
    stream.end();
    stream.send('e2', 'delta', {});
    jest.advanceTimersByTime(5000);
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(res.chunks).toEqual([': connected\n\n']);
    expect(stream.closed).toBe(true);
    const late = jest.fn();
    stream.onClose(late);
    expect(late).toHaveBeenCalledTimes(1);
  });

  it('cuts off a reader that does not keep up', () => {
    const res = new FakeResponse();
    const stream = new SseStream(res as unknown as ServerResponse, 1000);
    stream.open();
    res.writableLength = 2 << 20;
    stream.send('e3', 'delta', {});
    expect(stream.closed).toBe(true);
    expect(res.writableEnded).toBe(true);
  });
});
