/** One Server-Sent Events frame. */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: unknown;
  comment?: string;
}

/** An SSE stream read with fetch; `frames` fills as they arrive. */
export interface SseStream {
  res: Response;
  frames: SseFrame[];
  /** Frames with an event name (heartbeats left out). */
  events(): SseFrame[];
  close(): void;
}

/** Opens `url` as an SSE stream and parses its frames as they arrive. */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const frames: SseFrame[] = [];
  if (res.ok && res.body) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            frames.push(parseSseFrame(buffer.slice(0, end)));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // closed
      }
    })();
  }
  return { res, frames, events: () => frames.filter((f) => f.event), close: () => abort.abort() };
}

export function parseSseFrame(raw: string): SseFrame {
  const frame: SseFrame = {};
  for (const line of raw.split('\n')) {
    if (line.startsWith(':')) frame.comment = line.slice(1).trim();
    else if (line.startsWith('id: ')) frame.id = line.slice(4);
    else if (line.startsWith('event: ')) frame.event = line.slice(7);
    else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
  }
  return frame;
}
