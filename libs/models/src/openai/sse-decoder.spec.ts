import { SseDecoder } from './sse-decoder';

function decodeAll(parts: string[]): string[] {
  const d = new SseDecoder();
  return [...parts.flatMap((p) => d.push(p)), ...d.end()];
}

describe('SseDecoder', () => {
  it('yields the data of each event, ignoring comments and other fields', () => {
    expect(decodeAll([': ping\n\nevent: x\nid: 1\ndata: {"a":1}\n\ndata: [DONE]\n\n'])).toEqual(['{"a":1}', '[DONE]']);
  });

  it('joins several data lines of one event with LF and drops one space after the colon', () => {
    expect(decodeAll(['data:a\ndata:  b\ndata\n\n'])).toEqual(['a\n b\n']);
  });

  it('reads CRLF and CR line ends, also split between pushes (CR | LF)', () => {
    expect(decodeAll(['data: one\r\n\r\ndata: two\r\rdata: th', 'ree\r', '\n\r', '\n'])).toEqual(['one', 'two', 'three']);
  });

  it('an event split across many pushes comes out once it is complete', () => {
    const d = new SseDecoder();
    expect(d.push('da')).toEqual([]);
    expect(d.push('ta: {"x"')).toEqual([]);
    expect(d.push(':1}\n')).toEqual([]);
    expect(d.push('\n')).toEqual(['{"x":1}']);
  });

  it('skips events without data', () => {
    expect(decodeAll(['event: ping\n\n\n\ndata: x\n\n'])).toEqual(['x']);
  });

  it('drops an event cut at the end of the body, but keeps a lone [DONE] without its blank line', () => {
    expect(decodeAll(['data: {"a":1}\n\ndata: {"b":'])).toEqual(['{"a":1}']);
    expect(decodeAll(['data: {"a":1}\n\ndata: [DONE]'])).toEqual(['{"a":1}', '[DONE]']);
    expect(decodeAll(['data: [DONE]\n'])).toEqual(['[DONE]']);
  });
});
