import { InvalidOptionsError } from '@warren/contracts';
import { describeConnectionError, maskUrl, nodeLabel, parseBrokerUrl, rotatingTarget } from './broker-url';

describe('parseBrokerUrl()', () => {
  it('parseBrokerUrl() reads one node with the default port, guest credentials and the default vhost', () => {
    expect(parseBrokerUrl('amqp://localhost')).toEqual({
      protocol: 'amqp',
      username: 'guest',
      password: 'guest',
      vhost: '',
      query: {},
      nodes: [{ host: 'localhost', port: 5672 }],
    });
  });

  it('parseBrokerUrl() lists every node of a cluster URL with its port (default 5672, 5671 for amqps)', () => {
    expect(parseBrokerUrl('amqp://u:p@h1,h2:5673,h3/prod').nodes).toEqual([
      { host: 'h1', port: 5672 },
      { host: 'h2', port: 5673 },
      { host: 'h3', port: 5672 },
    ]);
    expect(parseBrokerUrl('amqps://u:p@h1,[::1]:5999/v').nodes).toEqual([
      { host: 'h1', port: 5671 },
      { host: '::1', port: 5999 },
    ]);
  });

  it('parseBrokerUrl() decodes the user info, keeps the vhost encoded (amqplib decodes it) and reads the query', () => {
    const b = parseBrokerUrl('amqp://svc:p%40ss%2Fw0rd@broker/%2Fprod?heartbeat=7&frameMax=8192');
    expect(b).toMatchObject({ username: 'svc', password: 'p@ss/w0rd', vhost: '%2Fprod', query: { heartbeat: '7', frameMax: '8192' } });
  });

  it('parseBrokerUrl() takes the last "@" of the authority, as WHATWG URLs (and amqplib) do', () => {
    expect(parseBrokerUrl('amqp://u:p@ss@broker/v')).toMatchObject({ username: 'u', password: 'p@ss', nodes: [{ host: 'broker' }] });
  });

  it.each([
    ['amqp://u:s3cret1@h1/v,amqp://u:s3cret2@h2/v', 's3cret1', 's3cret2'],
    ['amqp://u:s3cret1@h1/v, amqps://u:s3cret2@h2/v', 's3cret1', 's3cret2'],
  ])('parseBrokerUrl(%p) refuses comma-joined URLs and shows them masked', (url, first, second) => {
    let error: unknown;
    try {
      parseBrokerUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidOptionsError);
    const message = (error as Error).message;
    expect(message).toContain('amqp://user:password@host1,host2:5673,host3/vhost');
    expect(message).not.toContain(first);
    expect(message).not.toContain(second);
  });

  it.each(['amqp://h1,,h2/v', 'amqp://h1:port/v', 'amqp://h1:70000/v', 'amqp:///v'])(
    'parseBrokerUrl(%p) refuses a bad node list',
    (url) => {
      expect(() => parseBrokerUrl(url)).toThrow(InvalidOptionsError);
    },
  );

  it('nodeLabel() writes host:port, with brackets for IPv6', () => {
    expect(nodeLabel({ host: 'h1', port: 5672 })).toBe('h1:5672');
    expect(nodeLabel({ host: '::1', port: 5672 })).toBe('[::1]:5672');
  });
});

describe('maskUrl()', () => {
  it('maskUrl() hides the password of every URL in a text, cluster URLs and comma-joined lists included', () => {
    expect(maskUrl('amqp://u:s3cret@h1,h2:5673/v')).toBe('amqp://u:***@h1,h2:5673/v');
    expect(maskUrl('amqp://a:one@h1/v,amqps://b:two@h2/v')).toBe('amqp://a:***@h1/v,amqps://b:***@h2/v');
    expect(maskUrl('connect to http://x:y@z failed')).toBe('connect to http://x:***@z failed');
  });

  it('maskUrl() hides a password with an unencoded "/" or "?" too (not a valid URL, still a secret)', () => {
    expect(maskUrl('amqp://u:pa/ss?x@h/v')).not.toContain('pa/ss');
  });
});

describe('rotatingTarget()', () => {
  it('rotatingTarget() reads host and port from the current node at each read, the rest from the URL', () => {
    const broker = parseBrokerUrl('amqp://u:p%40ss@h1,h2:5673/prod?frameMax=8192');
    let i = 0;
    const target = rotatingTarget(broker, 5, () => broker.nodes[i]);
    expect([target.hostname, target.port]).toEqual(['h1', 5672]);
    i = 1;
    expect([target.hostname, target.port]).toEqual(['h2', 5673]);
    expect(target).toMatchObject({ protocol: 'amqp', username: 'u', password: 'p@ss', vhost: 'prod', heartbeat: 5, frameMax: 8192 });
  });
});

describe('describeConnectionError()', () => {
  it('describeConnectionError() copes with the numeric AMQP reply code of a broker close (it once broke the reconnection)', () => {
    const close = Object.assign(new Error('Connection closed: 320 (CONNECTION-FORCED) with message "CONNECTION_FORCED - shutdown"'), {
      code: 320,
    });
    expect(describeConnectionError(close, 1000)).toBe(close.message);
  });

  it('describeConnectionError() names the handshake timeout, keeps a string code and masks URLs', () => {
    expect(describeConnectionError(new Error('connect ETIMEDOUT'), 1500)).toBe('no AMQP handshake within 1500 ms (connect ETIMEDOUT)');
    expect(describeConnectionError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5672'), { code: 'ECONNREFUSED' }), 1)).toBe(
      'connect ECONNREFUSED 127.0.0.1:5672',
    );
    expect(describeConnectionError(new Error('bad amqp://u:s3cret@h/v'), 1)).toBe('bad amqp://u:***@h/v');
    expect(describeConnectionError(new AggregateError([new Error('first')]), 1)).toBe('first');
  });
});
