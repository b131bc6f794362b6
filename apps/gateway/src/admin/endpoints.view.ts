import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One model endpoint's health as this node sees it. */
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

  @ApiProperty({ description: 'Latency samples measured so far.' })
  samples!: number;

  @ApiProperty({ description: 'Calls in flight from this node.' })
  outstanding!: number;

  @ApiProperty({ description: 'Retryable failures since the last success.' })
  consecutiveFailures!: number;

  @ApiProperty({ description: 'True when this node also serves the endpoint (hosts its worker pool).' })
  served!: boolean;
}

/** `GET /v1/admin/endpoints`. */
export class EndpointsView {
  @ApiProperty({
    enum: ['node', 'unavailable'],
    description:
      '`node`: health as measured by the sessions of the node answering (the one hosting sessions in this process); other runtime nodes keep their own view. `unavailable`: this gateway runs without a runtime in its process, so it has no measurements.',
  })
  scope!: 'node' | 'unavailable';

  @ApiProperty({ description: 'The node whose view this is (`<hostname>-<pid>`).' })
  node!: string;

  @ApiPropertyOptional({ description: 'With `unavailable`: where endpoint health lives instead and how to read it.' })
  note?: string;

  @ApiProperty({ type: [EndpointHealthView] })
  endpoints!: EndpointHealthView[];
}
