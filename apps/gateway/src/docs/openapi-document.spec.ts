import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildGatewayDocument, serializeDocument } from './openapi-document';

const COMMITTED = join(__dirname, '..', '..', '..', '..', 'docs', 'openapi.json');
type Operation = {
  operationId?: string;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }>; headers?: object }>;
};

let doc: OpenAPIObject;
beforeAll(async () => {
  doc = await buildGatewayDocument();
});

const operations = (): [string, string, Operation][] =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(([method, op]): [string, string, Operation] => [method, path, op]),
  );

describe("the gateway's OpenAPI document", () => {
  it('is docs/openapi.json as committed (run `npm run openapi` after changing a route, and commit both it and packages/client)', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(serializeDocument(doc));
  });

  it('names every operation with a unique camelCase operationId', () => {
    const ids = operations().map(([, , op]) => op.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares the bearer scheme without calling the opaque API keys JWTs', () => {
    expect(doc.components?.securitySchemes?.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(JSON.stringify(doc.components?.securitySchemes)).not.toContain('JWT');
  });

  it('documents the errors of Warren routes as problem details and of OpenAI-compatible routes in OpenAI shape', () => {
    for (const [method, path, op] of operations()) {
      const openAi = /^\/v1\/(chat|models|embeddings)/.test(path);
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const [mediaType, body] = Object.entries(response.content ?? {})[0] ?? [];
        expect([`${method} ${path} ${status}`, mediaType]).toEqual([
          `${method} ${path} ${status}`,
          openAi ? 'application/json' : 'application/problem+json',
        ]);
        expect(body?.schema?.$ref).toBe(openAi ? '#/components/schemas/OpenAiErrorView' : '#/components/schemas/ProblemDetailsView');
      }
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '500']));
    }
    const problem = doc.components?.schemas?.ProblemDetailsView as { required: string[]; properties: Record<string, { $ref?: string }> };
    expect(problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']));
    const codes = doc.components?.schemas?.WarrenErrorCode as { enum: string[] };
    expect(codes.enum).toEqual(
      expect.arrayContaining(['WARREN_RATE_LIMITED', 'WARREN_ASK_TIMEOUT', 'WARREN_MODEL_UNAVAILABLE', 'WARREN_PAYLOAD_TOO_LARGE']),
    );
  });

  it('gives the chat endpoint full request and response schemas, the SSE stream, every status and x-warren-task-id', () => {
    const chat = (
      doc.paths['/v1/chat/completions'] as Record<
        string,
        Operation & { requestBody: { content: Record<string, { schema: { $ref: string } }> } }
      >
    ).post;
    expect(chat?.requestBody.content['application/json']?.schema.$ref).toBe('#/components/schemas/ChatCompletionRequestView');
    const ok = chat?.responses['200'];
    expect(ok?.content?.['application/json']?.schema?.$ref).toBe('#/components/schemas/ChatCompletionView');
    expect(ok?.content?.['text/event-stream']).toBeDefined();
    expect(ok?.headers).toHaveProperty('x-warren-task-id');
    expect(Object.keys(chat?.responses ?? {}).sort()).toEqual([
      '200',
      '400',
      '401',
      '404',
      '413',
      '415',
      '429',
      '500',
      '502',
      '503',
      '504',
    ]);
    const request = doc.components?.schemas?.ChatCompletionRequestView as { properties: Record<string, unknown>; required: string[] };
    expect(request.required).toEqual(['model', 'messages']);
    expect(Object.keys(request.properties)).toEqual(
      expect.arrayContaining(['stream', 'stream_options', 'max_completion_tokens', 'temperature', 'user', 'response_format', 'tools']),
    );
    for (const name of ['ChatCompletionChunkView', 'ModelListView', 'EmbeddingRequestView', 'EmbeddingListView'])
      expect(doc.components?.schemas).toHaveProperty(name);
  });

  it('resolves every $ref', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1] as string);
    for (const ref of new Set(refs)) expect(doc.components?.schemas).toHaveProperty([ref]);
  });
});
