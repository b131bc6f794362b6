import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

const TENANT = '^[A-Za-z0-9_-]{1,64}$';
const COLLECTION = '^[A-Za-z0-9_.-]{1,64}$';

/** `:tenant` of the knowledge routes. */
export class KnowledgeTenantParams {
  @ApiProperty({ description: 'The tenant whose knowledge base this is.', pattern: TENANT, example: 'dev' })
  @Matches(new RegExp(TENANT), { message: 'tenant must match [A-Za-z0-9_-]{1,64}' })
  tenant!: string;
}

/** `:tenant/:documentId` of the knowledge document routes. */
export class KnowledgeDocumentParams extends KnowledgeTenantParams {
  @ApiProperty({ description: 'The document id, unique per tenant.', example: 'faq-parking' })
  @IsString()
  @Length(1, 512)
  documentId!: string;
}

/** Body of `PUT …/documents/:documentId`. */
export class PutKnowledgeDocumentBody {
  @ApiPropertyOptional({ description: 'Collection (retrieval can be limited to some).', pattern: COLLECTION, default: 'default' })
  @IsOptional()
  @Matches(new RegExp(COLLECTION), { message: 'collection must match [A-Za-z0-9_.-]{1,64}' })
  collection?: string;

  @ApiPropertyOptional({ maxLength: 1024 })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  title?: string;

  @ApiProperty({ description: 'The text, split into passages of at most `knowledge.maxPassageChars`.', maxLength: 1_000_000 })
  @IsString()
  @MaxLength(1_000_000)
  text!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Kept with the document (not searched).' })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiProperty({ description: 'Orders the changes of the document: applied only when newer than the stored version.', minimum: 0 })
  @IsInt()
  @Min(0)
  version!: number;
}

/** Query of `DELETE …/documents/:documentId`. */
export class DeleteKnowledgeQuery {
  @ApiPropertyOptional({ description: 'Delete only when the stored version is not newer; absent: unconditionally.', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  version?: number;
}

/** Query of `GET …/documents`. */
export class ListKnowledgeQuery {
  @ApiPropertyOptional({ pattern: COLLECTION })
  @IsOptional()
  @Matches(new RegExp(COLLECTION))
  collection?: string;

  @ApiPropertyOptional({ description: 'Documents per page, 1 to 1000.', default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'The last id of the previous page (`nextAfter`).' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  after?: string;
}

/** Query of `GET …/search`. */
export class SearchKnowledgeQuery {
  @ApiProperty({ description: 'The text to search for.', example: 'where can I park' })
  @IsString()
  @Length(1, 4000)
  q!: string;

  @ApiPropertyOptional({ description: 'Passages at most, 1 to 100.', default: 5 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  topK?: number;

  @ApiPropertyOptional({ description: 'Lowest fused score, 0 to 1.', default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1)
  minScore?: number;

  @ApiPropertyOptional({ description: 'Only these collections, comma-separated.', example: 'faq,hr' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').filter((c) => c !== '') : value))
  @IsArray()
  @ArrayMaxSize(64)
  @Matches(new RegExp(COLLECTION), { each: true })
  collections?: string[];
}

/** What a write did. */
export class KnowledgeWriteView {
  @ApiProperty({
    enum: ['applied', 'stale', 'duplicate'],
    description: '`applied`; or nothing changed because the stored version is newer (`stale`) or the same (`duplicate`).',
  })
  outcome!: string;
  @ApiPropertyOptional({ description: 'The version stored after the write.' }) version?: number;
}

/** A stored document. */
export class KnowledgeDocumentView {
  @ApiProperty() tenant!: string;
  @ApiProperty() id!: string;
  @ApiProperty() collection!: string;
  @ApiPropertyOptional() title?: string;
  @ApiProperty() text!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) metadata?: Record<string, unknown>;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'How many passages it was split into.' }) passages!: number;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
}

/** A page of documents, by id. */
export class KnowledgeDocumentPageView {
  @ApiProperty({ type: [KnowledgeDocumentView] }) items!: KnowledgeDocumentView[];
  @ApiPropertyOptional({ description: 'Pass as `after` for the next page.' }) nextAfter?: string;
}

/** The rank and score of a passage in one search. */
export class KnowledgeRankView {
  @ApiProperty() rank!: number;
  @ApiProperty({ description: 'BM25 (lexical) or cosine similarity (vector).' }) score!: number;
}

/** A passage found. */
export class KnowledgeHitView {
  @ApiProperty({ example: 'faq-parking#0' }) passageId!: string;
  @ApiProperty() documentId!: string;
  @ApiProperty() collection!: string;
  @ApiPropertyOptional() title?: string;
  @ApiProperty() text!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'Reciprocal-rank fusion of the searches, 0..1.' }) score!: number;
  @ApiPropertyOptional({ type: KnowledgeRankView }) lexical?: KnowledgeRankView;
  @ApiPropertyOptional({ type: KnowledgeRankView }) vector?: KnowledgeRankView;
}

/** Search results. */
export class KnowledgeSearchView {
  @ApiProperty({ description: 'Whether vector search ran besides the lexical one.' }) hybrid!: boolean;
  @ApiProperty({ type: [KnowledgeHitView] }) hits!: KnowledgeHitView[];
}
