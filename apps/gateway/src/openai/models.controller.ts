import { Controller, Get, Inject, Param, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '@warren/contracts';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ApiOpenAiErrors } from '../errors/api-errors.decorator';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import { OpenAiExceptionFilter } from './openai-error';
import { ModelListView, ModelView } from './openai-views.dto';

/** What `GET /v1/models` says of one model. */
export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: 'warren';
  kind: 'auto' | 'strategy' | 'route' | 'endpoint' | 'embedding';
}

/** When this gateway started, in Unix seconds: the `created` of its models (they come from its configuration). */
const STARTED = Math.floor(Date.now() / 1000);

/**
 * OpenAI's model listing (`openai.models.list()`, `models.retrieve(id)`): the names a tenant may
 * use as `model` — for chat completions `auto`, the routing strategies, the routes and the model
 * endpoints, for embeddings the embedding endpoints — each with the `kind` Warren reads it as.
 */
@ApiTags('openai')
@ApiBearerAuth()
@ApiOpenAiErrors(401, 500)
@Controller('v1/models')
@UseGuards(ApiKeyGuard)
@UseFilters(OpenAiExceptionFilter)
export class ModelsController {
  private readonly models: ModelObject[];

  constructor(@Inject(GATEWAY_OPTIONS) options: GatewayOptions) {
    const model = (id: string, kind: ModelObject['kind']): ModelObject => ({
      id,
      object: 'model',
      created: STARTED,
      owned_by: 'warren',
      kind,
    });
    this.models = [
      ...options.models.chat.map((m) => model(m.id, m.kind)),
      ...options.models.embeddings.map((id) => model(id, 'embedding')),
    ];
  }

  @Get()
  @ApiOperation({
    operationId: 'listModels',
    summary: 'List the models (OpenAI-compatible)',
    description: 'Chat completion targets (`auto`, strategies, routes, endpoints), then embedding endpoints; a name may appear in both.',
  })
  @ApiOkResponse({ type: ModelListView })
  list(): { object: 'list'; data: ModelObject[] } {
    return { object: 'list', data: this.models };
  }

  @Get(':model')
  @ApiOperation({
    operationId: 'retrieveModel',
    summary: 'One model (OpenAI-compatible)',
    description: 'A chat target first, else an embedding endpoint.',
  })
  @ApiParam({ name: 'model', example: 'auto' })
  @ApiOkResponse({ type: ModelView })
  @ApiOpenAiErrors([404, 'No model of that name (`WARREN_NOT_FOUND`, `param: model`).'])
  retrieve(@Param('model') id: string): ModelObject {
    const found = this.models.find((m) => m.id === id);
    if (!found) throw new NotFoundError('model', id);
    return found;
  }
}
