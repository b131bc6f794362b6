/** Deepest parenthesis nesting the evaluator follows (keeps recursion bounded on hostile input). */
const MAX_DEPTH = 32;

type Token = { kind: 'num'; value: number } | { kind: 'op'; value: '+' | '-' | '*' | '/' | '(' | ')' };

/**
 * Evaluates `+ - * /`, parentheses, unary minus and decimals, with the usual precedence
 * (no `eval`). Returns undefined when `expression` is not such an expression; a division
 * by zero gives a non-finite number.
 */
export function evaluateArithmetic(expression: string): number | undefined {
  const tokens = tokenize(expression);
  if (!tokens || tokens.length === 0) return undefined;
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (t: Token | undefined, ...ops: string[]): boolean => t?.kind === 'op' && ops.includes(t.value);

  const expr = (depth: number): number => {
    let value = term(depth);
    while (isOp(peek(), '+', '-')) {
      const op = (tokens[pos++] as Token).value;
      const rhs = term(depth);
      value = op === '+' ? value + rhs : value - rhs;
    }
    return value;
  };
  const term = (depth: number): number => {
    let value = factor(depth);
    while (isOp(peek(), '*', '/')) {
      const op = (tokens[pos++] as Token).value;
      const rhs = factor(depth);
      value = op === '*' ? value * rhs : value / rhs;
    }
    return value;
  };
  const factor = (depth: number): number => {
    if (depth > MAX_DEPTH) throw new SyntaxError('too deep');
    const t = tokens[pos++];
    if (!t) throw new SyntaxError('unexpected end');
    if (t.kind === 'num') return t.value;
    if (t.value === '-') return -factor(depth + 1);
    if (t.value === '+') return factor(depth + 1);
    if (t.value === '(') {
      const value = expr(depth + 1);
      if (!isOp(tokens[pos++], ')')) throw new SyntaxError('missing )');
      return value;
    }
    throw new SyntaxError(`unexpected ${t.value}`);
  };

  try {
    const value = expr(0);
    return pos === tokens.length ? value : undefined;
  } catch {
    return undefined;
  }
}

/** True when `text` holds at least one binary operation between two operands. */
export function hasOperation(text: string): boolean {
  return /[\d)]\s*[-+*/]\s*[-+(]*\s*\d/.test(text);
}

function tokenize(expression: string): Token[] | undefined {
  const s = expression.trim();
  const out: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?|\.\d+)|([-+*/()]))/y;
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) return undefined;
    if (m[1] !== undefined) out.push({ kind: 'num', value: Number(m[1]) });
    else out.push({ kind: 'op', value: m[2] as '+' | '-' | '*' | '/' | '(' | ')' });
    i = re.lastIndex;
  }
  return out;
}
