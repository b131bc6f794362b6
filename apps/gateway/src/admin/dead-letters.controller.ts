import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DeadLetterRecord, DeadLetterStats, Page } from '@warren/store';
import { ApiProblems } from '../errors/api-errors.decorator';
import { gatewayValidationPipe } from '../errors/validation.pipe';
import { AdminGuard } from './admin.guard';
import { AdminName } from './admin-request';
import {
  DeadLetterAdminService,
  type DeadLetterDetail,
  type EditResult,
  type ReplayResult,
  type StatusChangeResult,
} from './dead-letter-admin.service';
import {
  DeadLetterFilterDto,
  DeadLetterListQuery,
  DeadLetterParams,
  DiscardBody,
  EditBody,
  ReplayBody,
  RestoreBody,
} from './dead-letter-requests.dto';
import {
  DeadLetterDetailView,
  DeadLetterPageView,
  DeadLetterStatsView,
  EditResultView,
  PurgeResultView,
  ReplayResultView,
  StatusChangeResultView,
} from './dead-letter-views.dto';

/** Operators' dead letter tools: list, group, inspect, replay, edit, discard, restore, purge. Admin keys only. */
@ApiTags('admin: dead letters')
@ApiBearerAuth()
@ApiProblems([400, 'A request field is wrong (`WARREN_INVALID_MESSAGE`/`WARREN_INVALID_OPTIONS`, `fields` names it).'], 401, 403, 500, 503)
@Controller('v1/admin/dead-letters')
@UseGuards(AdminGuard)
@UsePipes(gatewayValidationPipe())
export class DeadLettersController {
  constructor(@Inject(DeadLetterAdminService) private readonly service: DeadLetterAdminService) {}

  @Get('stats')
  @ApiOperation({
    operationId: 'getDeadLetterStats',
    summary: 'Counts grouped by error class and code, actor type and handler',
    description: 'Each group has its count and the first and last time it was seen; the filters are those of the listing.',
  })
  @ApiOkResponse({ type: DeadLetterStatsView })
  stats(@Query() query: DeadLetterFilterDto): Promise<DeadLetterStats> {
    return this.service.stats(query);
  }

  @Get()
  @ApiOperation({
    operationId: 'listDeadLetters',
    summary: 'A page of dead letters',
    description: 'Newest first by default, `order=asc` in dead-lettering order; pass `nextCursor` back as `cursor` with the same filters.',
  })
  @ApiOkResponse({ type: DeadLetterPageView })
  list(@Query() query: DeadLetterListQuery): Promise<Page<DeadLetterRecord>> {
    return this.service.list(query);
  }

  @Get(':id')
  @ApiOperation({
    operationId: 'getDeadLetter',
    summary: 'A dead letter: envelope, headers, every attempt, lineage',
    description:
      '`replayOf` is the dead letter it was a replay of; `replays` lists the replays published from it and whether each died again.',
  })
  @ApiOkResponse({ type: DeadLetterDetailView })
  @ApiProblems([404, 'No such dead letter (`WARREN_NOT_FOUND`).'])
  get(@Param() params: DeadLetterParams): Promise<DeadLetterDetail> {
    return this.service.get(params.id);
  }

  @Post('replay')
  @HttpCode(200)
  @ApiProblems(413, 415)
  @ApiOperation({
    operationId: 'replayDeadLetters',
    summary: 'Replay dead letters to where they were going',
    description:
      "Republishes each record's message (persistent, confirmed) with a new message id, the same `x-warren-task-id`, " +
      "`x-warren-replay-of: <dead message id>` and the original headers without the failure's, then marks it `replayed`. " +
      'Give `ids`, or a `filter` (without `status`: open records, or open and replayed with `force`) taken `limit` records ' +
      'at a time: call again with `nextCursor` as `cursor` until it is absent. Records go in dead-lettering order, one at ' +
      'a time per target actor (its order is kept), actors in parallel. Records already replayed are skipped unless ' +
      '`force`; discarded ones are skipped. `dryRun` sends nothing and answers what would go.',
  })
  @ApiOkResponse({ type: ReplayResultView })
  replay(@AdminName() admin: string, @Body() body: ReplayBody): Promise<ReplayResult> {
    return this.service.replay(admin, body);
  }

  @Post('discard')
  @HttpCode(200)
  @ApiProblems(413, 415)
  @ApiOperation({
    operationId: 'discardDeadLetters',
    summary: 'Discard dead letters, with a reason',
    description: `Discarded records are kept for gateway.deadLetterRetentionDays (30 by default), can be restored, and are then purged. \`filter\` pages like replay.`,
  })
  @ApiOkResponse({ type: StatusChangeResultView })
  discard(@AdminName() admin: string, @Body() body: DiscardBody): Promise<StatusChangeResult> {
    return this.service.discard(admin, body);
  }

  @Post('restore')
  @HttpCode(200)
  @ApiProblems(413, 415)
  @ApiOperation({ operationId: 'restoreDeadLetters', summary: 'Open discarded dead letters again' })
  @ApiOkResponse({ type: StatusChangeResultView })
  restore(@AdminName() admin: string, @Body() body: RestoreBody): Promise<StatusChangeResult> {
    return this.service.restore(admin, body);
  }

  @Post('purge')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'purgeDeadLetters',
    summary: 'Delete discarded dead letters older than the retention (gateway.deadLetterRetentionDays)',
  })
  @ApiOkResponse({ type: PurgeResultView })
  purge(@AdminName() admin: string): Promise<{ purged: number; discardedBefore: Date }> {
    return this.service.purge(admin);
  }

  @Post(':id/edit')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'editDeadLetter',
    summary: 'Replay a dead letter with new data',
    description:
      "`data` is validated against the message class of the record's CloudEvents type; invalid: 400 `WARREN_INVALID_MESSAGE` " +
      'naming the fields (`data.<field>`), nothing sent. Valid: replayed like `replay`; the record is kept, marked replayed with the note "edited".',
  })
  @ApiOkResponse({ type: EditResultView })
  @ApiProblems([404, 'No such dead letter (`WARREN_NOT_FOUND`).'], 413, 415)
  edit(@AdminName() admin: string, @Param() params: DeadLetterParams, @Body() body: EditBody): Promise<EditResult> {
    return this.service.edit(admin, params.id, body);
  }
}
