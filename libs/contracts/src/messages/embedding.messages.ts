import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Message } from './message.decorator';

/** Most texts one `EmbedTexts` carries (OpenAI's limit per request). */
export const MAX_EMBED_INPUTS = 2048;

/** Longest text embedded, in characters (a generous bound; each endpoint has its own token limit). */
export const MAX_EMBED_TEXT = 100_000;

/**
 * Asks an embedding endpoint worker (`embedding/<name>`, e.g. the gateway's `POST /v1/embeddings`)
 * for one vector per text. The worker reserves the texts' tokens with `limiter/<tenant>` (when
 * `session.rateLimit` is on), calls the endpoint and answers an {@link EmbeddingResult}; errors
 * cross the wire with their `WARREN_*` code (`WARREN_RATE_LIMITED`, `WARREN_MODEL_UNAVAILABLE` …).
 */
@Message('warren.embedding.embed')
export class EmbedTexts {
  @IsString() @Matches(/^[A-Za-z0-9_-]{1,128}$/) tenant!: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EMBED_INPUTS)
  @IsString({ each: true })
  @MaxLength(MAX_EMBED_TEXT, { each: true })
  input!: string[];
  /** Length of each vector, when the endpoint can shorten its vectors (OpenAI's `dimensions`). */
  @IsOptional() @IsInt() @Min(1) @Max(65_536) dimensions?: number;
  /** The caller's end user (OpenAI's `user`): per-user limits. */
  @IsOptional() @IsString() @MaxLength(256) userId?: string;
}

/** The answer to an `EmbedTexts`: the vectors in input order and what they cost. */
export interface EmbeddingResult {
  /** The endpoint that answered (`embedding/<model>`'s name). */
  model: string;
  vectors: number[][];
  usage: { promptTokens: number };
}

/** The actor type of embedding endpoint worker pools: `embedding/<name>`. */
export const EMBEDDING_ACTOR_TYPE = 'embedding';
