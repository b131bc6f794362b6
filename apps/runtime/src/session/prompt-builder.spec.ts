import type { TurnPart } from '@warren/store';
import { buildPrompt } from './prompt-builder';

const part = (role: TurnPart['role'], content: string, status: TurnPart['status'] = 'complete'): TurnPart => ({
  id: content,
  tenant: 'dev',
  sessionId: 's1',
  role,
  content,
  status,
  at: new Date(0),
});

describe('buildPrompt', () => {
  it('puts the system prompt with tags and language first, then history, then the new text', () => {
    const messages = buildPrompt({
      systemPrompt: 'Be brief.',
      tags: ['vegetarian', 'lives in Lyon'],
      language: 'fr',
      history: [part('user', 'hi'), part('assistant', 'hello'), part('tool', 'ignored')],
      text: 'what now?',
    });
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[0].content).toContain('Be brief.');
    expect(messages[0].content).toContain('vegetarian, lives in Lyon');
    expect(messages[0].content).toContain('"fr"');
    expect(messages[3].content).toBe('what now?');
  });

  it('marks a reply that was cut off, so the model knows it was not heard whole', () => {
    const messages = buildPrompt({ systemPrompt: 'x', tags: [], history: [part('assistant', 'Once upon', 'interrupted')], text: 'stop' });
    expect(messages[1].content).toBe('Once upon [interrupted by the user]');
    expect(messages[0].content).toBe('x');
  });

  it('puts knowledge passages into the system message with their ids, and asks the model to cite them', () => {
    const passages = [
      { id: 'faq#0', title: 'Parking', text: 'Parking is free\non weekends.' },
      { id: 'hours#1', text: 'We open at nine.' },
    ];
    const messages = buildPrompt({ systemPrompt: 'x', tags: [], history: [], text: 'can I park?', passages });
    expect(messages[0].content).toContain('[faq#0] Parking: Parking is free on weekends.');
    expect(messages[0].content).toContain('[hours#1] We open at nine.');
    expect(messages[0].content).toMatch(/cite the ids/);
    expect(messages[1]).toEqual({ role: 'user', content: 'can I park?' });
    expect(buildPrompt({ systemPrompt: 'x', tags: [], history: [], text: 'y', passages: [] })[0].content).toBe('x');
  });
});
