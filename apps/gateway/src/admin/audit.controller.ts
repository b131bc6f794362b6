import { Controller, Get, Inject, Query, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditEntry, Page } from '@warren/store';
import { ApiProblems } from '../errors/api-errors.decorator';
import { gatewayValidationPipe } from '../errors/validation.pipe';
import { AdminGuard } from './admin.guard';
import { DeadLetterAdminService } from './dead-letter-admin.service';
import { AuditQuery } from './dead-letter-requests.dto';
import { AuditPageView } from './dead-letter-views.dto';

/** The audit log of operator actions. Admin keys only. */
@ApiTags('admin: audit')
@ApiBearerAuth()
@ApiProblems(400, 401, 403, 500, 503)
@Controller('v1/admin/audit')
@UseGuards(AdminGuard)
@UsePipes(gatewayValidationPipe())
export class AuditController {
  constructor(@Inject(DeadLetterAdminService) private readonly service: DeadLetterAdminService) {}

  @Get()
  @ApiOperation({
    operationId: 'listAuditEntries',
    summary: 'Operator actions, newest first: who (admin name), what, when, how many, on what',
  })
  @ApiOkResponse({ type: AuditPageView })
  list(@Query() query: AuditQuery): Promise<Page<AuditEntry>> {
    return this.service.auditLog(query);
  }
}
