/** One ensemble member's answer. */
export interface EnsembleAnswer {
  endpoint: string;
  text: string;
  /** When it finished, ms after the ensemble started. */
  ms: number;
}

/** Normalises a text for majority voting (case, spacing, end punctuation). */
export function voteKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .replace(/[\s.!?]+$/u, '')
    .trim();
}

/**
 * Picks an answer by rule among those in by the deadline (`answers` in finishing order).
 * `first`: the earliest; `longest`: the most characters; `majority`: the most common answer
 * (normalised), ties to the earliest. `judge` is decided by a model call: see `judgePrompt`.
 */
export function pickAnswer(
  rule: 'first' | 'majority' | 'longest',
  answers: readonly EnsembleAnswer[],
): { answer: EnsembleAnswer; why: string } | undefined {
  if (answers.length === 0) return undefined;
  const byTime = [...answers].sort((a, b) => a.ms - b.ms);
  if (rule === 'first') return { answer: byTime[0] as EnsembleAnswer, why: 'first to answer' };
  if (rule === 'longest') {
    const answer = byTime.reduce((a, b) => (b.text.length > a.text.length ? b : a));
    return { answer, why: `longest (${answer.text.length} chars)` };
  }
  const votes = new Map<string, number>();
  for (const a of byTime) votes.set(voteKey(a.text), (votes.get(voteKey(a.text)) ?? 0) + 1);
  const answer = byTime.reduce((a, b) => ((votes.get(voteKey(b.text)) ?? 0) > (votes.get(voteKey(a.text)) ?? 0) ? b : a));
  return { answer, why: `majority (${votes.get(voteKey(answer.text))} of ${answers.length})` };
}

/** The prompt a judge endpoint gets: the question and the numbered answers; it should answer with a number. */
export function judgePrompt(question: string, answers: readonly EnsembleAnswer[]): { role: 'system' | 'user'; content: string }[] {
  return [
    { role: 'system', content: 'You judge answers. Reply with the number of the best answer only.' },
    {
      role: 'user',
      content: `Question: ${question}\n\n${answers.map((a, i) => `Answer ${i + 1}:\n${a.text}`).join('\n\n')}\n\nBest answer number:`,
    },
  ];
}

/** The answer a judge's reply names (the first number in range), else undefined. */
export function judgedAnswer(reply: string, answers: readonly EnsembleAnswer[]): EnsembleAnswer | undefined {
  for (const m of reply.matchAll(/\d+/gu)) {
    const n = Number(m[0]);
    if (n >= 1 && n <= answers.length) return answers[n - 1];
  }
  return undefined;
}
