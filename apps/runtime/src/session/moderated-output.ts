import type { ModerationResult, Moderator } from '@warren/moderation';

/**
 * Moderates a reply while it streams. Deltas are released up to the last complete word, after
 * the text so far passed output moderation (PII masked), so a blocked or redacted word is never
 * streamed whole. When a later redaction would change text already sent, nothing more is
 * streamed; the `reply` event always carries the fully moderated text.
 */
export class ModeratedOutput {
  private raw = '';
  private released = '';
  private checkedUpTo = 0;
  /** Set when output moderation blocked the reply. */
  blocked: ModerationResult | undefined;

  constructor(private readonly moderator: Moderator) {}

  /** The text streamed so far (what the user saw or heard). */
  get sent(): string {
    return this.released;
  }

  /** Adds a delta; returns the text to stream now, if any. */
  push(delta: string): string | undefined {
    this.raw += delta;
    if (this.blocked) return undefined;
    const cut = lastWordEnd(this.raw);
    if (cut <= this.checkedUpTo) return undefined;
    this.checkedUpTo = cut;
    return this.release(this.moderator.check(this.raw.slice(0, cut), 'out'));
  }

  /** The whole reply checked; returns what is left to stream and the final result. */
  finish(): { rest: string | undefined; result: ModerationResult } {
    const result = this.moderator.check(this.raw, 'out');
    const rest = this.blocked ? undefined : this.release(result);
    return { rest, result: this.blocked ?? result };
  }

  private release(result: ModerationResult): string | undefined {
    if (!result.allowed) {
      this.blocked = result;
      return undefined;
    }
    if (!result.text.startsWith(this.released)) return undefined;
    const out = result.text.slice(this.released.length);
    this.released = result.text;
    return out.length > 0 ? out : undefined;
  }
}

/** Index just after the last white space (0 when there is none). */
function lastWordEnd(text: string): number {
  for (let i = text.length - 1; i >= 0; i--) if (/\s/u.test(text[i])) return i + 1;
  return 0;
}
