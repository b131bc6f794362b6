import { context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { installContextManager } from '../context-manager';
import { withTaskId } from '../task-context';
import { resolveLogOptions } from './log-options';
import { NestPinoLogger } from './nest-pino-logger';
import { createWarrenLogger } from './warren-logger';

function capture(format: 'json' | 'pretty', color = false) {
  const lines: string[] = [];
  const options = { ...resolveLogOptions({ env: {}, format, level: 'debug', nodeId: 'n1', app: 'gateway', isTTY: color }), color };
  const logger = createWarrenLogger(options, { write: (s: string) => void lines.push(...s.split('\n').filter(Boolean)) });
  return { logger, lines };
}

describe('createWarrenLogger()', () => {
  beforeAll(() => installContextManager());

  it('writes one JSON object a line with the level name, ISO time, node, app, fields and msg', () => {
    const { logger, lines } = capture('json');
    logger.warn({ reason: 'socket closed' }, 'connection to RabbitMQ lost');
    const record = JSON.parse(lines[0]);
    expect(record).toMatchObject({
      level: 'warn',
      node_id: 'n1',
      app: 'gateway',
      reason: 'socket closed',
      msg: 'connection to RabbitMQ lost',
    });
    expect(new Date(record.time).toISOString()).toBe(record.time);
  });

  it('adds the trace, span and task of the active context', () => {
    const { logger, lines } = capture('json');
    const span = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    });
    const ctx = withTaskId(trace.setSpan(ROOT_CONTEXT, span), 'task-1');
    context.with(ctx, () => logger.info('in a turn'));
    logger.info('outside');
    expect(JSON.parse(lines[0])).toMatchObject({
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
      task_id: 'task-1',
    });
    expect(JSON.parse(lines[1]).trace_id).toBeUndefined();
  });

  it('writes readable lines in pretty format, coloured only when asked', () => {
    const plain = capture('pretty');
    plain.logger.child({ context: 'Broker' }).info({ ms: 12 }, 'connected to RabbitMQ');
    expect(plain.lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}\[Broker\] connected to RabbitMQ \{"ms":12\}$/);
    const coloured = capture('pretty', true);
    coloured.logger.error('boom');
    expect(coloured.lines[0]).toContain('\x1b[31mERROR');
    expect(plain.lines.join('')).not.toContain('\x1b[');
  });
});

describe('NestPinoLogger', () => {
  it("writes Nest's calls as structured lines, its start-up chatter at debug", () => {
    const { logger, lines } = capture('json');
    const nest = new NestPinoLogger(logger);
    nest.log('gateway ready on port 3000', 'Warren');
    nest.error('failed', 'Error: failed\n    at x', 'Gateway');
    nest.warn({ msg: 'slow', ms: 900 }, 'Gateway');
    nest.log('Mapped {/v1/tasks/:taskId, GET} route', 'RouterExplorer');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ level: 'info', context: 'Warren', msg: 'gateway ready on port 3000' }),
      expect.objectContaining({ level: 'error', context: 'Gateway', msg: 'failed', stack: 'Error: failed\n    at x' }),
      expect.objectContaining({ level: 'warn', context: 'Gateway', msg: 'slow', ms: 900 }),
      expect.objectContaining({ level: 'debug', context: 'RouterExplorer' }),
    ]);
  });
});
