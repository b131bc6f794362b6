import { IsInt, IsObject, IsOptional, IsString, Matches, MaxLength, Min, MinLength } from 'class-validator';
import { Message } from './message.decorator';

/** CloudEvents types of the knowledge base's change events (exchange `warren.knowledge`). */
export const KNOWLEDGE_EVENT_TYPES = Object.freeze({
  UPSERT: 'warren.knowledge.upsert',
  DELETE: 'warren.knowledge.delete',
} as const);

/** Routing keys on `warren.knowledge` (the topic exchange raw producers publish document changes to). */
export const KNOWLEDGE_ROUTING_KEYS = Object.freeze({ UPSERT: 'document.upsert', DELETE: 'document.delete' } as const);

/** The knowledge worker's address: change events are consumed by `knowledge/ingest`. */
export const KNOWLEDGE_ACTOR_TYPE = 'knowledge';

/**
 * A document created or changed (`warren.knowledge.upsert`): applied when `version` is newer than
 * the stored one, so a redelivered or late older event changes nothing.
 */
@Message('warren.knowledge.upsert')
export class KnowledgeUpsert {
  /** The tenant, when the producer's AMQP user is not mapped to one (`ingress.tenantsByUser`). */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(128) tenant?: string;
  @IsString() @MinLength(1) @MaxLength(512) id!: string;
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.-]{1,64}$/) collection?: string;
  @IsOptional() @IsString() @MaxLength(1024) title?: string;
  @IsString() @MaxLength(1_000_000) text!: string;
  @IsOptional() @IsObject() metadata?: Record<string, unknown>;
  /** Orders the changes of one document (e.g. a CDC log position); a non-negative integer. */
  @IsInt() @Min(0) version!: number;
}

/** A document deleted (`warren.knowledge.delete`): applied unless the stored version is newer. */
@Message('warren.knowledge.delete')
export class KnowledgeDelete {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(128) tenant?: string;
  @IsString() @MinLength(1) @MaxLength(512) id!: string;
  @IsInt() @Min(0) version!: number;
}
