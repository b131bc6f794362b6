import { InvalidMessageError, MAX_EMBED_INPUTS, MAX_EMBED_TEXT } from '@warren/contracts';

/** The part of an OpenAI embeddings request that Warren acts on. */
export interface EmbeddingRequest {
  model: string;
  input: string[];
  /** `base64`: each vector as little-endian float32 bytes in base64 (the OpenAI SDKs ask for it by default). */
  encodingFormat: 'float' | 'base64';
  dimensions?: number;
  user?: string;
}

/**
 * Reads an OpenAI embeddings body: `model`, `input` (a text or a list of up to 2048 texts, none
 * empty; token arrays are refused: Warren's endpoints take text), `encoding_format`, `dimensions`,
 * `user`; unknown fields are ignored as OpenAI does. A wrong field is `WARREN_INVALID_MESSAGE`
 * naming it as OpenAI's `param`.
 */
export function parseEmbeddingRequest(body: unknown): EmbeddingRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('body', 'must be a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model.length === 0 || b.model.length > 256)
    throw invalid('model', 'must be a non-empty string (an embedding endpoint)');
  const input = typeof b.input === 'string' ? [b.input] : b.input;
  if (!Array.isArray(input) || input.length === 0) throw invalid('input', 'must be a string or a non-empty array of strings');
  if (input.length > MAX_EMBED_INPUTS) throw invalid('input', `must have at most ${MAX_EMBED_INPUTS} texts`);
  for (const [i, text] of input.entries()) {
    const at = typeof b.input === 'string' ? 'input' : `input[${i}]`;
    if (typeof text !== 'string') throw invalid(at, 'must be text: token arrays are not supported');
    if (text.length === 0) throw invalid(at, 'must not be empty');
    if (text.length > MAX_EMBED_TEXT) throw invalid(at, `must have at most ${MAX_EMBED_TEXT} characters`);
  }
  const format = b.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') throw invalid('encoding_format', 'must be float or base64');
  if (
    b.dimensions !== undefined &&
    b.dimensions !== null &&
    !(Number.isInteger(b.dimensions) && (b.dimensions as number) >= 1 && (b.dimensions as number) <= 65_536)
  )
    throw invalid('dimensions', 'must be an integer from 1 to 65536');
  if (b.user !== undefined && b.user !== null && !(typeof b.user === 'string' && b.user.length > 0 && b.user.length <= 256))
    throw invalid('user', 'must be a string of 1 to 256 characters');
  return {
    model: b.model,
    input: input as string[],
    encodingFormat: format,
    ...(typeof b.dimensions === 'number' ? { dimensions: b.dimensions } : {}),
    ...(typeof b.user === 'string' ? { user: b.user } : {}),
  };
}

function invalid(field: string, why: string): InvalidMessageError {
  return new InvalidMessageError(`${field} ${why}`, [{ field, constraints: [why] }]);
}
