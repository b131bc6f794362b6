import { ApiProperty } from '@nestjs/swagger';
import type { ClusterSnapshot } from '@warren/actors';

/** One live runtime node. */
export class ClusterNodeDto {
  @ApiProperty({ description: 'Node id (`runtime.nodeId`).', example: 'runtime-1' })
  node!: string;

  @ApiProperty({ description: 'When this incarnation of the node started (ISO 8601).' })
  startedAt!: string;

  @ApiProperty({ description: 'When this gateway last heard its announcement (ISO 8601).' })
  lastSeen!: string;

  @ApiProperty({ type: [String], description: 'Entity types it hosts.' })
  types!: string[];

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Shards it consumes now, per entity type.',
    example: { session: 6, ingress: 5 },
  })
  shards!: Record<string, number>;

  @ApiProperty({ description: 'Shards it handed off since it started.' })
  handOffs!: number;
}

/** The shards one node owns of one entity type. */
export class ShardOwnershipDto {
  @ApiProperty({ example: 'session' })
  type!: string;

  @ApiProperty({ example: 'runtime-1' })
  node!: string;

  @ApiProperty()
  count!: number;

  @ApiProperty({ description: 'Shard numbers, comma-separated.', example: '0,3,7' })
  shards!: string;
}

/** A hand-off in progress: the releasing node drains the shard. */
export class HandOffInProgressDto {
  @ApiProperty() node!: string;
  @ApiProperty() type!: string;
  @ApiProperty() shard!: number;
  @ApiProperty({ description: 'How long this gateway has seen it draining (ms).' })
  forMs!: number;
}

/** A finished hand-off, measured by the node that released the shard. */
export class HandOffDoneDto {
  @ApiProperty() node!: string;
  @ApiProperty() type!: string;
  @ApiProperty() shard!: number;
  @ApiProperty({ description: 'From no new deliveries to the consumer closed (ms).' })
  ms!: number;
  @ApiProperty({ description: 'When it started (ISO 8601).' })
  at!: string;
}

export class HandOffsDto {
  @ApiProperty({ type: [HandOffInProgressDto] })
  inProgress!: HandOffInProgressDto[];

  @ApiProperty({ type: [HandOffDoneDto], description: 'The latest ones, newest first (up to 10 per node).' })
  recent!: HandOffDoneDto[];

  @ApiProperty({ description: 'Hand-offs done by the live nodes since they started.' })
  total!: number;
}

/** `GET /v1/admin/cluster`. */
export class ClusterViewDto implements ClusterSnapshot {
  @ApiProperty({ description: 'The process answering; it hears every runtime node’s announcements on `warren.control`.' })
  observedBy!: string;

  @ApiProperty({ type: [ClusterNodeDto], description: 'Live runtime nodes (a node silent past its failure timeout is gone).' })
  nodes!: ClusterNodeDto[];

  @ApiProperty({ type: [ShardOwnershipDto] })
  shards!: ShardOwnershipDto[];

  @ApiProperty({ type: HandOffsDto })
  handOffs!: HandOffsDto;
}
