import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PROBLEM_CODES } from './problem-details';

/** A wrong request field. */
export class FieldViolationView {
  @ApiProperty({ example: 'text' }) field!: string;
  @ApiProperty({ type: [String], example: ['text must be longer than or equal to 1 characters'] }) constraints!: string[];
}

/** OpenAPI view of `ProblemDetails`: the body of every error answer outside the OpenAI-compatible routes. */
export class ProblemDetailsView {
  @ApiProperty({
    description: 'The problem type: `urn:warren:problem:<code in lower case with dashes>`, one per `code`.',
    example: 'urn:warren:problem:invalid-message',
    format: 'uri-reference',
  })
  type!: string;
  @ApiProperty({ description: 'The problem type in a few words (the same for every problem of the type).', example: 'Invalid request' })
  title!: string;
  @ApiProperty({ description: 'The HTTP status.', example: 400 }) status!: number;
  @ApiProperty({ description: 'What went wrong this time.', example: 'text must be longer than or equal to 1 characters' })
  detail!: string;
  @ApiPropertyOptional({ description: 'The request path.', example: '/v1/sessions/demo/messages' }) instance?: string;
  @ApiProperty({
    description: 'The stable Warren error code (the same in error classes, `failed` events and dead letters).',
    enum: PROBLEM_CODES,
    enumName: 'WarrenErrorCode',
    example: 'WARREN_INVALID_MESSAGE',
  })
  code!: string;
  @ApiPropertyOptional({ type: [FieldViolationView], description: 'The wrong request fields (`WARREN_INVALID_MESSAGE`).' })
  fields?: FieldViolationView[];
}

/** The `error` object of OpenAI's error shape. */
export class OpenAiErrorDetailView {
  @ApiProperty({ example: 'messages must be a non-empty array' }) message!: string;
  @ApiProperty({
    description: "OpenAI's error type.",
    enum: [
      'invalid_request_error',
      'authentication_error',
      'permission_error',
      'not_found_error',
      'rate_limit_exceeded',
      'insufficient_quota',
      'server_error',
    ],
    example: 'invalid_request_error',
  })
  type!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The request field at fault, if one is.', example: 'messages' })
  param!: string | null;
  @ApiProperty({ enum: PROBLEM_CODES, enumName: 'WarrenErrorCode', description: "Warren's code.", example: 'WARREN_INVALID_MESSAGE' })
  code!: string;
}

/** OpenAI's error body, answered by the OpenAI-compatible routes (`/v1/chat/completions`, `/v1/models`, `/v1/embeddings`). */
export class OpenAiErrorView {
  @ApiProperty({ type: OpenAiErrorDetailView }) error!: OpenAiErrorDetailView;
}
