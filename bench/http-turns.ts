/**
 * Turns through the HTTP gateway for the turn benches: `POST /v1/sessions/:id/messages` on a
 * keep-alive connection (node:http, no fetch: the load client should cost little CPU), then the
 * turn's end (and first delta) read on `warren.events` by a {@link TurnClient}. The gateway tells
 * the session actor directly (no ingress router hop), so this is the path the lean floor models.
 */

import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { DEV_KEY } from './system';
import { type TurnClient, type TurnEnd } from './turn-client';

/** A turn's end as seen by an HTTP client, with when the 202 arrived. */
export interface HttpTurnEnd extends TurnEnd {
  /** performance.now() when the 202 arrived. */
  acceptedAt: number;
  taskId: string;
}

/** POSTs user messages to one gateway over at most `sockets` keep-alive connections. */
export class HttpTurns {
  private readonly agent: Agent;
  private readonly url: URL;
  /** Non-202 answers and request errors so far. */
  refused = 0;

  constructor(
    baseUrl: string,
    private readonly events: TurnClient,
    sockets = 64,
  ) {
    this.url = new URL(baseUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** POSTs "text" to the session; resolves with the task id of the 202 and when it came. */
  post(sessionId: string, text = 'hello'): Promise<{ taskId: string; at: number }> {
    const body = Buffer.from(JSON.stringify({ text }));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method: 'POST',
          path: `/v1/sessions/${encodeURIComponent(sessionId)}/messages`,
          headers: { authorization: `Bearer ${DEV_KEY}`, 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const at = performance.now();
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 202) {
              this.refused++;
              reject(new Error(`POST /v1/sessions/${sessionId}/messages: ${res.statusCode} ${text.slice(0, 200)}`));
              return;
            }
            resolve({ taskId: (JSON.parse(text) as { taskId: string }).taskId, at });
          });
          res.on('error', reject);
        },
      );
      req.on('error', (err) => {
        this.refused++;
        reject(err);
      });
      req.end(body);
    });
  }

  /** One whole turn: the POST, then its end event (the events client must keep ended turns). */
  async turn(sessionId: string, text = 'hello'): Promise<HttpTurnEnd> {
    const { taskId, at } = await this.post(sessionId, text);
    const end = await this.events.waitFor(taskId);
    return { ...end, acceptedAt: at, taskId };
  }

  close(): void {
    this.agent.destroy();
  }
}
