import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One model endpoint's health as the cluster sees it (the runtime nodes' views merged). */
export class EndpointHealthView {
  @ApiProperty({ description: 'Endpoint name (`model/<name>`).', example: 'local' })
  name!: string;

  @ApiProperty({
    enum: ['healthy', 'cooldown'],
    description: '`cooldown`: skipped by the router until `cooldownUntil` (it comes back on its own).',
  })
  state!: 'healthy' | 'cooldown';

  @ApiPropertyOptional({ description: 'When the cooldown ends (ISO 8601), while in cooldown.' })
  cooldownUntil?: string;

  @ApiPropertyOptional({ description: 'Recent latency (EWMA of the time to the first delta, ms); absent before the first success.' })
  latencyMs?: number;

  @ApiProperty({ description: 'Latency samples measured so far, all nodes.' })
  samples!: number;

  @ApiProperty({ description: 'Calls in flight, all nodes.' })
  outstanding!: number;

  @ApiProperty({ description: 'Retryable failures since the last success (the most any node counts).' })
  consecutiveFailures!: number;

  @ApiProperty({ description: 'True when the answering process also serves the endpoint (hosts its worker pool).' })
  served!: boolean;
}

/** A node whose view is part of the merge. */
export class HealthNodeView {
  @ApiProperty({ description: 'The node id.' })
  node!: string;

  @ApiProperty({ description: 'When its view was measured (ISO 8601); announcements come every 2 s, older than 6 s are dropped.' })
  at!: string;
}

/** `GET /v1/admin/endpoints`. */
export class EndpointsView {
  @ApiProperty({
    enum: ['cluster', 'unavailable'],
    description:
      '`cluster`: the views of the runtime nodes listed in `nodes` merged (each measures the calls its sessions make and announces them on `warren.control`): in cooldown on any node is in cooldown, latency averaged by samples, calls summed. `unavailable`: no runtime node announced any lately.',
  })
  scope!: 'cluster' | 'unavailable';

  @ApiProperty({ description: 'The process answering (`<hostname>-<pid>`).' })
  node!: string;

  @ApiProperty({ type: [HealthNodeView], description: 'The nodes whose views are merged.' })
  nodes!: HealthNodeView[];

  @ApiPropertyOptional({ description: 'With `unavailable`: why, and where else to read health.' })
  note?: string;

  @ApiProperty({ type: [EndpointHealthView] })
  endpoints!: EndpointHealthView[];
}
