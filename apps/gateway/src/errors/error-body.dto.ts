import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A wrong request field. */
export class FieldViolationView {
  @ApiProperty({ example: 'text' }) field!: string;
  @ApiProperty({ type: [String], example: ['text must be longer than or equal to 1 characters'] }) constraints!: string[];
}

/** The error itself: a stable `WARREN_*` code. */
export class ErrorDetailView {
  @ApiProperty({ example: 'WARREN_INVALID_MESSAGE' }) code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ type: [FieldViolationView] }) fields?: FieldViolationView[];
}

/** Body of every error answer (OpenAPI view of `ErrorBody`). */
export class ErrorBodyView {
  @ApiProperty({ type: ErrorDetailView }) error!: ErrorDetailView;
}
