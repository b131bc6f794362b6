import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { Tenant } from '../auth/tenant.decorator';
import { ApiProblems } from '../errors/api-errors.decorator';
import { gatewayValidationPipe } from '../errors/validation.pipe';
import { UpdateUserSettingsBody, UserParams, UserSettingsView } from './user-settings.dto';
import { UserSettingsService } from './user-settings.service';

/**
 * A user's settings within the caller's tenant (the tenant comes from the API key): profile tags,
 * locale and time zone, proactive opt-outs and quiet hours. The next turn and the next proactive
 * message use them.
 */
@ApiTags('users')
@ApiBearerAuth()
@ApiProblems(400, 401, 500, 503)
@Controller('v1/users')
@UseGuards(ApiKeyGuard)
@UsePipes(gatewayValidationPipe())
export class UserSettingsController {
  constructor(@Inject(UserSettingsService) private readonly settings: UserSettingsService) {}

  @Get(':userId/settings')
  @ApiOperation({
    operationId: 'getUserSettings',
    summary: "A user's settings",
    description: 'The defaults (`updatedAt: null`) for a user who has none.',
  })
  @ApiOkResponse({ type: UserSettingsView })
  get(@Tenant() tenant: string, @Param() params: UserParams): Promise<UserSettingsView> {
    return this.settings.get(tenant, params.userId);
  }

  @Patch(':userId/settings')
  @ApiProblems(413, 415)
  @ApiOperation({
    operationId: 'updateUserSettings',
    summary: "Change a user's settings",
    description:
      'The fields given replace the stored ones, `null` removes one, absent ones stay. `tags` go into the prompt of the next turn; ' +
      '`locale` is its language unless the request names one or the text is clearly another; `timeZone` and `proactive.quietHours` ' +
      'decide when proactive messages may go out; `proactive.optOut` stops them all, `proactive.optOutOf` the named rules. ' +
      'A message already scheduled is checked again when it comes due.',
  })
  @ApiOkResponse({ type: UserSettingsView })
  update(@Tenant() tenant: string, @Param() params: UserParams, @Body() body: UpdateUserSettingsBody): Promise<UserSettingsView> {
    return this.settings.update(tenant, params.userId, body);
  }

  @Delete(':userId/settings')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'resetUserSettings',
    summary: "Reset a user's settings",
    description: 'The defaults apply again (no tags, locale, time zone, opt-out or quiet hours).',
  })
  @ApiNoContentResponse({ description: 'Reset (also when there was nothing to reset).' })
  async reset(@Tenant() tenant: string, @Param() params: UserParams): Promise<void> {
    await this.settings.reset(tenant, params.userId);
  }
}
