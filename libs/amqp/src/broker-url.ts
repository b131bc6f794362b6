import { InvalidOptionsError } from '@warren/contracts';
import type { Options } from 'amqplib';

/** One broker node of a (possibly multi-host) AMQP URL. */
export interface BrokerNode {
  host: string;
  port: number;
}

/** An AMQP URL split into what every node shares and the list of nodes. */
export interface BrokerUrl {
  protocol: 'amqp' | 'amqps';
  /** Decoded user name (`guest` when the URL has none). */
  username: string;
  /** Decoded password (`guest` when the URL has no user info). */
  password: string;
  /** The vhost as written in the path (percent-encoded; amqplib decodes it). Empty: `/`. */
  vhost: string;
  /** Query parameters (`heartbeat`, `frameMax`, `channelMax`, `locale`). */
  query: Record<string, string>;
  nodes: BrokerNode[];
}

const DEFAULT_PORTS = { amqp: 5672, amqps: 5671 } as const;

/**
 * Parses `amqp[s]://user:pass@host1[:port],host2[:port],…/vhost?query`: one URL whose host part
 * lists the nodes of a cluster (the form MongoDB URLs use). Several complete URLs joined with commas
 * are refused with a message that shows them masked.
 */
export function parseBrokerUrl(url: string): BrokerUrl {
  const scheme = /^(amqps?):\/\//.exec(url);
  if (!scheme) throw new InvalidOptionsError('url', `must start with amqp:// or amqps:// (got ${maskUrl(url)})`);
  if (/,\s*amqps?:\/\//.test(url))
    throw new InvalidOptionsError(
      'url',
      `lists several URLs (${maskUrl(url)}); list the nodes in one URL instead: amqp://user:password@host1,host2:5673,host3/vhost`,
    );
  const protocol = scheme[1] as 'amqp' | 'amqps';
  const rest = url.slice(scheme[0].length);
  const at = authorityAt(rest);
  const userinfo = at >= 0 ? rest.slice(0, at) : undefined;
  const afterUser = at >= 0 ? rest.slice(at + 1) : rest;
  const end = afterUser.search(/[/?#]/);
  const hostList = end >= 0 ? afterUser.slice(0, end) : afterUser;
  const tail = end >= 0 ? afterUser.slice(end) : '';
  const hashless = tail.replace(/#.*$/, '');
  const q = hashless.indexOf('?');
  const path = q >= 0 ? hashless.slice(0, q) : hashless;
  const search = q >= 0 ? hashless.slice(q + 1) : '';

  const nodes = hostList.split(',').map((h) => parseNode(h.trim(), protocol, url));
  if (nodes.length === 0 || nodes.some((n) => n.host === ''))
    throw new InvalidOptionsError('url', `has an empty host in its node list (${maskUrl(url)})`);

  let username = 'guest';
  let password = 'guest';
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    username = decode(colon >= 0 ? userinfo.slice(0, colon) : userinfo, url);
    password = colon >= 0 ? decode(userinfo.slice(colon + 1), url) : '';
  }
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(search)) if (!(k in query)) query[k] = v;
  return { protocol, username, password, vhost: path.replace(/^\//, ''), query, nodes };
}

/** Index of the `@` that ends the user info (as WHATWG URLs read it: the last one before the path, query or fragment). */
function authorityAt(rest: string): number {
  const end = rest.search(/[/?#]/);
  return (end >= 0 ? rest.slice(0, end) : rest).lastIndexOf('@');
}

function parseNode(text: string, protocol: 'amqp' | 'amqps', url: string): BrokerNode {
  const m = /^(\[[^\]]+\]|[^:[\]]*)(?::(\d{1,5}))?$/.exec(text);
  if (!m) throw new InvalidOptionsError('url', `has a host that is not host[:port]: "${text}" (${maskUrl(url)})`);
  const port = m[2] ? Number(m[2]) : DEFAULT_PORTS[protocol];
  if (port < 1 || port > 65_535) throw new InvalidOptionsError('url', `has a port outside 1..65535 (${maskUrl(url)})`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

function decode(text: string, url: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new InvalidOptionsError('url', `has user info that is not valid percent-encoding (${maskUrl(url)})`);
  }
}

/** `host:port` of a node, for logs (`[::1]:5672` for IPv6). */
export function nodeLabel(node: BrokerNode): string {
  return `${node.host.includes(':') ? `[${node.host}]` : node.host}:${node.port}`;
}

/**
 * The URL (or comma-joined URLs, or any text holding them) with every password replaced by `***`,
 * for logs and errors. Works on text that is not a valid URL too: a password never reaches a log.
 */
export function maskUrl(text: string): string {
  return text
    .split(/(?=\b[A-Za-z][A-Za-z0-9+.-]*:\/\/)/)
    .map((part) => {
      const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(part);
      if (!scheme) return part;
      const rest = part.slice(scheme[0].length);
      // The last `@` of the part, not the URL rule: a password with an unencoded `/` or `?` is
      // not a valid URL, and is still hidden.
      const at = rest.lastIndexOf('@');
      if (at < 0) return part;
      const userinfo = rest.slice(0, at);
      const colon = userinfo.indexOf(':');
      if (colon < 0) return part;
      return `${scheme[0]}${userinfo.slice(0, colon)}:***${rest.slice(at)}`;
    })
    .join('');
}

/**
 * What amqplib connects to: the URL's fields, with host and port read at each attempt from the
 * node `current()` names (amqplib's recovery reconnects to the object it was given, so rotating
 * `current()` makes its next attempt go to another node).
 */
export function rotatingTarget(broker: BrokerUrl, heartbeatSeconds: number, current: () => BrokerNode): Options.Connect {
  const q = broker.query;
  return {
    protocol: broker.protocol,
    get hostname() {
      return current().host;
    },
    get port() {
      return current().port;
    },
    username: broker.username,
    password: broker.password,
    vhost: broker.vhost,
    heartbeat: heartbeatSeconds,
    ...(q.frameMax !== undefined ? { frameMax: Number(q.frameMax) } : {}),
    ...(q.channelMax !== undefined ? { channelMax: Number(q.channelMax) } : {}),
    ...(q.locale !== undefined ? { locale: q.locale } : {}),
  } as Options.Connect;
}

/**
 * One line about a connection error: its AMQP reply text when the broker closed the connection,
 * "no AMQP handshake" for amqplib's socket timeout; passwords masked.
 */
export function describeConnectionError(err: unknown, connectTimeoutMs: number): string {
  if (err instanceof AggregateError && err.errors.length > 0) return describeConnectionError(err.errors[0], connectTimeoutMs);
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (message === 'connect ETIMEDOUT') return `no AMQP handshake within ${connectTimeoutMs} ms (connect ETIMEDOUT)`;
  // amqplib's close errors carry the AMQP reply code as a number (not a string) and the text in the message.
  const code = typeof e?.code === 'string' ? e.code : undefined;
  return maskUrl(code && !message.includes(code) ? `${code}: ${message}` : message);
}
