import type { ModerationResult, Moderator } from './moderator';

/** How a moderated stream ends (`ModeratedStream#finish()`). */
export interface ModeratedEnd {
  /**
   * What is left to stream: the held-back rest, or, when the reply was blocked, the safe reply,
   * which replaces what was streamed before it (clean text only: never a part of the blocked match).
   */
  rest: string | undefined;
  /** The answer the user gets: what was streamed plus `rest`; when blocked, the safe reply alone. */
  text: string;
  /** True when output moderation blocked the reply: `rest` is the safe reply, not model text. */
  blocked: boolean;
  /** Output moderation of the whole raw reply (decisions, redactions; the blocking category's safe reply). */
  result: ModerationResult;
}

/**
 * Moderates a model's reply while it streams, before any of it leaves: text is released in order,
 * only once nothing that follows can make it part of a blocked match or of personal data. It holds
 * back the token in progress, the last `matchTokens('out') - 1` complete tokens (a blocked phrase
 * in progress: "I will kill" waiting for "you"), and any digit run, phone number or e-mail address
 * that may still be growing ("+44 20 " waiting for "7946 0958"). What is released is redacted
 * (`[phone]`), so a published delta never holds text the final reply blocks or masks. Once a
 * blocked match is complete nothing more is released; `finish()` then answers with the safe reply,
 * to stream last (it replaces the clean start already streamed, if any); otherwise the streamed
 * parts add up to the final text. Costs per delta are linear in the text
 * not yet released, not in the whole reply.
 */
export class ModeratedStream {
  private raw = '';
  private released = '';
  /** Index in `raw` up to which text was released (always just after white space, or 0). */
  private releasedAt = 0;
  /** Index in `raw` just after the last white space checked for blocked matches. */
  private checkedUpTo = 0;
  private readonly holdTokens: number;
  /** Set when a blocked match was found while streaming. */
  blocked = false;

  constructor(private readonly moderator: Moderator) {
    this.holdTokens = Math.max(0, moderator.matchTokens('out') - 1);
  }

  /** The text released so far (what the user saw or heard). */
  get sent(): string {
    return this.released;
  }

  /** Adds a delta of the raw reply; returns the text to stream now, if any. */
  push(delta: string): string | undefined {
    this.raw += delta;
    if (this.blocked) return undefined;
    const complete = afterLastSpace(this.raw);
    if (complete <= this.checkedUpTo) return undefined;
    this.checkedUpTo = complete;
    // A match that starts before `releasedAt` was complete when that text was released (the window
    // is as long as the longest match), so only the unreleased complete tokens need a look.
    if (this.moderator.blocks(this.raw.slice(this.releasedAt, complete), 'out')) {
      this.blocked = true;
      return undefined;
    }
    return this.release(this.cutAt(complete));
  }

  /** The whole reply checked: what is left to stream and the final text. */
  finish(): ModeratedEnd {
    const result = this.moderator.check(this.raw, 'out');
    if (this.blocked || !result.allowed) {
      this.blocked = true;
      const safe = result.safeReply ?? this.moderator.safeReply;
      return { rest: safe, text: safe, blocked: true, result };
    }
    // Released text was redacted piece by piece, at white space and never inside a candidate: the
    // whole text's redaction starts with it. Should it not, nothing more is streamed (the reply says what counts).
    const rest = result.text.startsWith(this.released) ? result.text.slice(this.released.length) : '';
    return { rest: rest === '' ? undefined : rest, text: this.released + rest, blocked: false, result };
  }

  /** Where released text may end: before the held tokens and before any personal data in progress, at white space. */
  private cutAt(complete: number): number {
    let cut = startOfLastTokens(this.raw, complete, this.holdTokens);
    if (cut <= this.releasedAt) return this.releasedAt;
    const candidates = this.moderator.piiCandidates(this.raw.slice(this.releasedAt), 'out');
    for (let moved = true; moved; ) {
      moved = false;
      for (const c of candidates) {
        const start = this.releasedAt + c.start;
        const end = this.releasedAt + c.end;
        // Inside a candidate, or right before white space that more digits could follow: hold it whole.
        const open = /^[\s+().-]*$/u.test(this.raw.slice(end));
        if (start < cut && (end > cut || open)) {
          cut = Math.max(this.releasedAt, afterLastSpace(this.raw.slice(0, start)));
          moved = true;
        }
      }
    }
    return cut;
  }

  private release(cut: number): string | undefined {
    if (cut <= this.releasedAt) return undefined;
    const out = this.moderator.redact(this.raw.slice(this.releasedAt, cut), 'out');
    this.releasedAt = cut;
    this.released += out;
    return out.length > 0 ? out : undefined;
  }
}

/** Index just after the last white space of `text` (0 when there is none). */
function afterLastSpace(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) if (/\s/u.test(text[i] as string)) return i + 1;
  return 0;
}

/** Index where the last `n` white-space separated tokens of `text.slice(0, end)` start (`end` when n is 0; 0 when there are fewer). */
function startOfLastTokens(text: string, end: number, n: number): number {
  let i = end;
  for (let k = 0; k < n; k++) {
    while (i > 0 && /\s/u.test(text[i - 1] as string)) i--;
    while (i > 0 && !/\s/u.test(text[i - 1] as string)) i--;
    if (i === 0) return 0;
  }
  return i;
}
