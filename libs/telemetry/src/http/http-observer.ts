import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { WarrenLogger } from '../logging/warren-logger';
import type { WarrenMetrics } from '../metrics/warren-metrics';
import {
  endSpan,
  extractTraceContext,
  injectTraceHeaders,
  otelContext,
  type Span,
  SpanKind,
  startSpan,
  type TraceContext,
} from '../trace-propagation';

/** The server span of one HTTP request, kept on the request for the handlers that add to it. */
export interface RequestSpan {
  span: Span;
  /** The context holding the span: the request's sends run in it. */
  ctx: TraceContext;
  /** `traceparent` of the span, for the response. */
  traceparent: string | undefined;
  /** The task the request created or read, for the access line (`task_id`). */
  taskId?: string;
}

/** Options of {@link observeHttpServer}. */
export interface HttpObserverOptions {
  /** Where the access lines go (one per request); none: no access lines. @default undefined */
  log?: WarrenLogger;
  /** Records `warren_gateway_requests_total` and its duration by route; none: no request metrics. @default undefined */
  metrics?: WarrenMetrics;
  /** Paths whose access lines are written at debug, not info (probes and scrapes). @default /health, /ready, /metrics */
  quietPaths?: readonly string[];
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const REQUEST_SPAN = Symbol('warren:request-span');
const ROUTE = Symbol('warren:route');
const OBSERVED = Symbol('warren:http-observed');
const DEFAULT_QUIET = ['/health', '/ready', '/metrics'];

interface Observed {
  [REQUEST_SPAN]?: RequestSpan;
  [ROUTE]?: string;
}

/** The server span of `req` when its server is observed, else undefined. */
export function requestSpanOf(req: IncomingMessage): RequestSpan | undefined {
  return (req as Observed)[REQUEST_SPAN];
}

/** Names the route pattern of a request answered outside Express's router (a fast path, static files). */
export function setHttpRoute(req: IncomingMessage, route: string): void {
  (req as Observed)[ROUTE] = route;
}

/**
 * Wraps every `request` listener of `server` (call it after the others are installed, before
 * `listen`): each request gets a server span that continues its W3C `traceparent` and is the active
 * context of everything that handles it (the response carries the span's `traceparent`), and when
 * the response closes, its span ends named by the route, its metric is recorded by route pattern
 * (Express's `req.route`, a name set with {@link setHttpRoute}, or `unmatched` for a 404 no route
 * took: unknown paths are counted without letting their text into the labels), and one access line
 * is written. Idempotent: a server already observed is left as it is.
 */
export function observeHttpServer(server: Server, options: HttpObserverOptions): void {
  const flagged = server as Server & { [OBSERVED]?: boolean };
  if (flagged[OBSERVED]) return;
  flagged[OBSERVED] = true;
  const listeners = server.listeners('request') as Handler[];
  server.removeAllListeners('request');
  const quiet = new Set(options.quietPaths ?? DEFAULT_QUIET);
  const { log, metrics } = options;
  server.on('request', (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const path = pathOf(req.url);
    const { span, ctx } = startSpan(method, extractTraceContext(req.headers), SpanKind.SERVER, {
      'http.request.method': method,
      'url.path': path,
    });
    const headers: Record<string, string | number> = {};
    injectTraceHeaders(headers, ctx);
    const traceparent = typeof headers.traceparent === 'string' ? headers.traceparent : undefined;
    const request: RequestSpan = { span, ctx, traceparent };
    (req as Observed)[REQUEST_SPAN] = request;
    if (traceparent) res.setHeader('traceparent', traceparent);
    res.once('close', () => {
      const ms = performance.now() - started;
      const status = res.statusCode;
      const route = routeOf(req, path, status);
      metrics?.httpRequest(route, method, status, ms);
      span.updateName(`${method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', status);
      if (request.taskId !== undefined) span.setAttribute('warren.task_id', request.taskId);
      const aborted = !res.writableFinished;
      endSpan(span, status >= 500 ? `HTTP ${status}` : undefined);
      if (!log) return;
      const fields = {
        method,
        path,
        route,
        status,
        ms: Math.round(ms * 10) / 10,
        ...(aborted ? { aborted: true } : {}),
        ...(request.taskId === undefined ? {} : { taskId: request.taskId }),
      };
      const line = `${method} ${path} ${status} ${fields.ms} ms`;
      otelContext.with(ctx, () => (quiet.has(path) ? log.debug(fields, line) : log.info(fields, line)));
    });
    otelContext.with(ctx, () => {
      for (const listener of listeners) listener.call(server, req, res);
    });
  });
}

/** The path of a request URL, without the query (which may carry ids or keys). */
function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const q = url.search(/[?#]/);
  return q === -1 ? url : url.slice(0, q);
}

/** The route label: Express's pattern, one set with `setHttpRoute`, a static prefix, else `unmatched` (404) or `other`. */
function routeOf(req: IncomingMessage, path: string, status: number): string {
  const express = (req as { route?: { path?: unknown } }).route?.path;
  if (typeof express === 'string') return express;
  const named = (req as Observed)[ROUTE];
  if (named !== undefined) return named;
  return status === 404 ? 'unmatched' : path === '/' ? '/' : 'other';
}
