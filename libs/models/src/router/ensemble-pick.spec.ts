import { judgedAnswer, judgePrompt, pickAnswer } from './ensemble-pick';

const answers = [
  { endpoint: 'a', text: 'Paris.', ms: 30 },
  { endpoint: 'b', text: 'It is Paris, the capital.', ms: 50 },
  { endpoint: 'c', text: 'paris', ms: 20 },
];

describe('ensemble picks', () => {
  it('first, longest and majority', () => {
    expect(pickAnswer('first', answers)?.answer.endpoint).toBe('c');
    expect(pickAnswer('longest', answers)?.answer.endpoint).toBe('b');
    expect(pickAnswer('majority', answers)).toEqual({ answer: answers[2], why: 'majority (2 of 3)' });
    expect(pickAnswer('first', [])).toBeUndefined();
  });

  it('a judge names an answer by number', () => {
    expect(judgePrompt('capital of France?', answers)[1]?.content).toContain('Answer 2:\nIt is Paris, the capital.');
    expect(judgedAnswer('The best is 2.', answers)).toBe(answers[1]);
    expect(judgedAnswer('9, then 3', answers)).toBe(answers[2]);
    expect(judgedAnswer('none', answers)).toBeUndefined();
  });
});
