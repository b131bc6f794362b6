#!/usr/bin/env node
// A voice/RTC server's side of Warren's public AMQP contract (docs/asyncapi.yaml), with amqplib only:
// it publishes user utterances and barge-ins to `warren.ingress` as CloudEvents and prints the events
// Warren publishes for the session on `warren.events`. No Warren code is imported on purpose.

const { randomBytes, randomUUID } = require('node:crypto');
const readline = require('node:readline');
const { parseArgs } = require('node:util');

const INGRESS = 'warren.ingress';
const EVENTS = 'warren.events';
const CONTENT_TYPE = 'application/cloudevents+json';
const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const START_WARREN = 'is Warren running? start it with npm start';

const USAGE = `Usage: node examples/rtc-client/rtc-client.js [options] [utterance ...]

Plays a voice/RTC server against Warren over plain AMQP: publishes each utterance as a
warren.session.message CloudEvent to exchange ${INGRESS} (routing key session.<id>.message,
persistent, publisher confirms) and prints what Warren sends back on ${EVENTS}
(session.<id>.#): deltas inline as they stream, then the reply with model and token usage,
failures with their WARREN_* code, interruptions and proactive messages.

With utterances as arguments, it sends them one at a time, waits for each turn to end and exits.
Without, it reads one utterance per line from stdin; these lines are commands:
  /interrupt [taskId]   barge in: stop the turn in progress (or the task named)
  /quit                 leave (also Ctrl-D / end of input, which waits for turns in progress)

Options:
  --session <id>         session id, [A-Za-z0-9_-]{1,128} (default: a random rtc-xxxxxxxx)
  --url <amqp-url>       broker URL (default: $AMQP_URL or amqp://localhost)
  --source <uri>         CloudEvents source naming this producer (default: rtc://rtc-client)
  --user <userId>        data.userId of each utterance
  --locale <tag>         data.locale, a BCP 47 tag such as en-GB
  --channel <voice|text> data.channel (default: voice)
  --amqp-user-id <name>  set the AMQP user_id property, which Warren maps to a tenant; RabbitMQ
                         refuses it unless it is the user this connection logged in as
                         (default: not set, i.e. Warren's default tenant)
  --wait <ms>            how long to wait for a turn to end (default: 30000; 0: do not wait)
  --quiet                do not print the CloudEvents this client publishes
  --raw                  also print every event received, as JSON
  -h, --help             show this help

Environment: AMQP_URL (broker URL, used when --url is not given).
Exit status: 0 when every turn ended (reply, failed or interrupted), 2 when one did not end
within --wait, 1 on a fatal error (broker unreachable, exchanges missing, connection lost).`;

// ---------------------------------------------------------------- output

let streamOpen = null; // task id whose deltas are being printed on the current line
let interactive = false;
let rl = null;

function endStream() {
  if (streamOpen !== null) {
    process.stdout.write('\n');
    streamOpen = null;
  }
}

function line(text) {
  endStream();
  process.stdout.write(`${text}\n`);
}

function prompt() {
  if (interactive && rl && streamOpen === null) rl.prompt(true);
}

function fail(message, code = 1) {
  endStream();
  process.stderr.write(`rtc-client: ${message}\n`);
  process.exit(code);
}

const short = (id) => (typeof id === 'string' && id.length > 13 ? `${id.slice(0, 8)}…` : String(id));

// Required after the output helpers: fail() needs them.
let amqp;
try {
  amqp = require('amqplib');
} catch {
  fail('amqplib is not installed: run npm install in the repository root (or npm install amqplib next to this script)');
}

// ---------------------------------------------------------------- options

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        session: { type: 'string' },
        url: { type: 'string' },
        source: { type: 'string', default: 'rtc://rtc-client' },
        user: { type: 'string' },
        locale: { type: 'string' },
        channel: { type: 'string', default: 'voice' },
        'amqp-user-id': { type: 'string' },
        wait: { type: 'string', default: '30000' },
        quiet: { type: 'boolean', default: false },
        raw: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    fail(`${err.message} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const session = values.session ?? `rtc-${randomBytes(4).toString('hex')}`;
  if (!SESSION_ID.test(session)) {
    fail(`invalid --session "${session}": use 1-128 characters of A-Z a-z 0-9 _ - (".", "*" and "#" would break topic routing)`);
  }
  if (!['voice', 'text'].includes(values.channel)) fail(`invalid --channel "${values.channel}": use voice or text`);
  if (values.locale !== undefined && !LOCALE.test(values.locale))
    fail(`invalid --locale "${values.locale}": use a BCP 47 tag such as en-GB`);
  const wait = Number(values.wait);
  if (!Number.isInteger(wait) || wait < 0) fail(`invalid --wait "${values.wait}": use a whole number of milliseconds`);
  const url = values.url ?? process.env.AMQP_URL ?? 'amqp://localhost';
  return {
    session,
    url,
    source: values.source,
    user: values.user,
    locale: values.locale,
    channel: values.channel,
    amqpUserId: values['amqp-user-id'],
    wait,
    quiet: values.quiet,
    raw: values.raw,
    utterances: positionals.filter((p) => p.trim() !== ''),
  };
}

/** The URL without its password, for messages. */
function safeUrl(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

function vhostOf(url) {
  try {
    const path = new URL(url).pathname;
    return path && path !== '/' ? decodeURIComponent(path.slice(1)) : '/';
  } catch {
    return '/';
  }
}

// ---------------------------------------------------------------- broker

/** Explains an AMQP or socket error in one line. */
function explain(err, opts) {
  const text = String(err?.message ?? err);
  if (err?.code === 404 || /NOT_FOUND - no exchange/.test(text)) {
    const name = /no exchange '([^']+)'/.exec(text)?.[1] ?? 'warren.*';
    return `exchange ${name} does not exist in vhost ${vhostOf(opts.url)}: ${START_WARREN}`;
  }
  if (/PRECONDITION_FAILED - user_id property/.test(text)) {
    return `RabbitMQ refused --amqp-user-id ${opts.amqpUserId}: it must be the user this connection logged in as`;
  }
  return text;
}

async function connect(opts) {
  try {
    return await amqp.connect(opts.url, { noDelay: true, timeout: 10_000, clientProperties: { connection_name: 'rtc-client' } });
  } catch (err) {
    const where = safeUrl(opts.url);
    const text = String(err?.message ?? err);
    if (err?.code === 'ECONNREFUSED') fail(`cannot connect to ${where}: connection refused (is RabbitMQ running?)`);
    if (err?.code === 'ENOTFOUND' || err?.code === 'EAI_AGAIN') fail(`cannot connect to ${where}: unknown host`);
    if (err?.code === 'ETIMEDOUT' || /timeout/i.test(text)) fail(`cannot connect to ${where}: timed out`);
    if (/ACCESS_REFUSED|403/.test(text)) fail(`cannot connect to ${where}: the broker refused the user name or password`);
    if (/vhost .* not found|NOT_ALLOWED|ConnectionOpenOk/.test(text))
      fail(`cannot connect to ${where}: vhost ${vhostOf(opts.url)} does not exist or is not allowed`);
    fail(`cannot connect to ${where}: ${text.split('\n')[0]}`);
  }
}

/** Fails with a clear line when Warren has not declared its exchanges yet (checks only, declares nothing). */
async function checkExchanges(conn, opts) {
  for (const name of [INGRESS, EVENTS]) {
    const ch = await conn.createChannel();
    ch.on('error', () => {}); // a failed check closes the channel; the rejection below says why
    try {
      await ch.checkExchange(name);
      await ch.close();
    } catch (err) {
      fail(err?.code === 404 ? `exchange ${name} does not exist in vhost ${vhostOf(opts.url)}: ${START_WARREN}` : explain(err, opts));
    }
  }
}

const traceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;

// ---------------------------------------------------------------- main

async function main() {
  const opts = options();
  let closing = false;
  let channelError = null;

  const conn = await connect(opts);
  conn.on('error', () => {}); // 'close' follows with the reason
  conn.on('close', (err) => {
    if (!closing) fail(`connection to ${safeUrl(opts.url)} lost${err ? `: ${explain(err, opts)}` : ''}`);
  });
  await checkExchanges(conn, opts);

  // Events: our own exclusive, auto-delete, server-named queue bound to this session's events.
  const sub = await conn.createChannel();
  sub.on('error', (err) => fail(explain(err, opts)));
  const { queue } = await sub.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
  await sub.bindQueue(queue, EVENTS, `session.${opts.session}.#`);

  const turns = new Map(); // taskId → { resolve, deltas, nextSeq }
  const seen = new Set(); // CloudEvent ids already printed (delivery is at least once)

  const endTurn = (taskId) => {
    const turn = turns.get(taskId);
    turns.delete(taskId);
    turn?.resolve('ended');
  };

  const onEvent = (msg) => {
    if (msg === null) fail('the broker cancelled the event consumer (its queue or vhost was deleted, or the broker is stopping)');
    const kind = msg.fields.routingKey.split('.').pop();
    let event;
    try {
      event = JSON.parse(msg.content.toString('utf8'));
    } catch {
      line(`! ${msg.fields.routingKey}: body is not JSON (${msg.content.length} bytes)`);
      return prompt();
    }
    if (typeof event?.id === 'string') {
      if (seen.has(event.id)) return;
      seen.add(event.id);
      if (seen.size > 10_000) seen.delete(seen.values().next().value);
    }
    if (opts.raw) line(`← ${msg.fields.routingKey} ${JSON.stringify(event)}`);
    const data = event?.data ?? {};
    const turn = turns.get(data.taskId);
    switch (kind) {
      case 'delta': {
        if (turn) {
          if (typeof data.seq === 'number' && data.seq < turn.nextSeq) return; // a duplicate
          turn.nextSeq = typeof data.seq === 'number' ? data.seq + 1 : turn.nextSeq + 1;
          turn.deltas++;
        }
        if (streamOpen !== data.taskId) {
          endStream();
          process.stdout.write('warren> ');
          streamOpen = data.taskId;
        }
        process.stdout.write(String(data.text ?? ''));
        return;
      }
      case 'reply': {
        if (!turn || turn.deltas === 0) line(`warren> ${data.text ?? ''}`);
        const usage = data.usage ?? {};
        line(
          `  [reply task ${short(data.taskId)} · model ${data.model ?? '?'} · tokens ${usage.promptTokens ?? '?'} in, ${usage.completionTokens ?? '?'} out]`,
        );
        endTurn(data.taskId);
        break;
      }
      case 'failed': {
        const retry = typeof data.retryAfterMs === 'number' ? ` (retry after ${data.retryAfterMs} ms)` : '';
        line(`  [failed task ${short(data.taskId)} · ${data.code ?? 'WARREN_?'}: ${data.message ?? ''}${retry}]`);
        if (data.taskId !== undefined) endTurn(data.taskId);
        break;
      }
      case 'interrupted':
        line(`  [interrupted task ${short(data.taskId)} · said so far: ${JSON.stringify(data.partialText ?? '')}]`);
        endTurn(data.taskId);
        break;
      case 'switched':
        // The stream goes on from the new model; its deltas continue on a new line.
        line(`  [switched task ${short(data.taskId)} · ${data.from ?? '?'} → ${data.to ?? '?'}]`);
        return;
      case 'proactive':
        line(`warren (proactive, ${data.intent ?? 'no intent'})> ${data.text ?? ''}  [reminder ${data.reminderId ?? '?'}]`);
        break;
      default:
        line(`  [${kind}] ${JSON.stringify(data)}`);
    }
    prompt();
  };
  await sub.consume(queue, onEvent, { noAck: true });

  // Ingress: a confirm channel; mandatory, so a message no queue takes comes back as a 'return'.
  const pub = await conn.createConfirmChannel();
  pub.on('error', (err) => {
    channelError = err;
    fail(explain(err, opts));
  });
  pub.on('return', (msg) => {
    line(`! nothing took ${INGRESS} ${msg.fields.routingKey} (no ingress queue bound): ${START_WARREN}`);
    prompt();
  });

  /** Publishes a CloudEvent `warren.session.<kind>` with id `id`; resolves when the broker confirms it. */
  const publish = (kind, id, data) => {
    const event = {
      specversion: '1.0',
      type: `warren.session.${kind}`,
      id,
      source: opts.source,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data,
    };
    const routingKey = `session.${opts.session}.${kind}`;
    const properties = {
      persistent: true,
      mandatory: true,
      contentType: CONTENT_TYPE,
      messageId: id,
      type: event.type,
      timestamp: Math.floor(Date.now() / 1000),
      appId: 'rtc-client',
      headers: { traceparent: traceparent() },
    };
    if (opts.amqpUserId !== undefined) properties.userId = opts.amqpUserId;
    return new Promise((resolve) => {
      pub.publish(INGRESS, routingKey, Buffer.from(JSON.stringify(event)), properties, (err) => {
        if (!err) {
          if (!opts.quiet) line(`→ ${INGRESS} ${routingKey} (confirmed) ${JSON.stringify(event)}`);
          return resolve(id);
        }
        // The channel's own error (e.g. 404: no exchange) says more than "channel closed"; let it arrive first.
        setImmediate(() => fail(explain(channelError ?? err, opts)));
      });
    });
  };

  /** Sends one utterance; the CloudEvent id is the task id. Resolves once confirmed, with the turn's end. */
  const say = async (text) => {
    const data = { text, channel: opts.channel };
    if (opts.user !== undefined) data.userId = opts.user;
    if (opts.locale !== undefined) data.locale = opts.locale;
    const taskId = randomUUID();
    const turn = { deltas: 0, nextSeq: 0 };
    turn.ended = new Promise((resolve) => {
      turn.resolve = resolve;
    });
    turns.set(taskId, turn); // before publishing, so no event of the turn arrives unmatched
    await publish('message', taskId, data);
    return { taskId, ended: turn.ended };
  };

  const waitFor = (ended) =>
    opts.wait === 0
      ? Promise.resolve('not waited')
      : Promise.race([ended, new Promise((r) => setTimeout(r, opts.wait, 'timeout').unref())]);

  let late = 0;
  const shutdown = async (code) => {
    closing = true;
    rl?.close();
    endStream();
    try {
      await conn.close();
    } catch {
      // already closed
    }
    process.exit(code);
  };
  process.on('SIGINT', () => shutdown(130));
  process.on('SIGTERM', () => shutdown(143));

  line(`# session ${opts.session} on ${safeUrl(opts.url)} · listening on ${EVENTS} session.${opts.session}.#`);

  if (opts.utterances.length > 0) {
    for (const text of opts.utterances) {
      const { taskId, ended } = await say(text);
      if ((await waitFor(ended)) === 'timeout') {
        late++;
        turns.delete(taskId);
        line(`! task ${short(taskId)}: no reply, failure or interruption within ${opts.wait} ms`);
      }
    }
    return shutdown(late > 0 ? 2 : 0);
  }

  interactive = Boolean(process.stdin.isTTY);
  rl = readline.createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive });
  rl.setPrompt('you> ');
  if (interactive) line('# type an utterance and press Enter; /interrupt to barge in, /quit to leave');
  prompt();
  const pending = [];
  let lines = Promise.resolve();
  rl.on('line', (input) => {
    const text = input.trim();
    // Keep the order of the lines: each publish starts after the previous one is confirmed.
    lines = lines.then(async () => {
      if (text === '') return prompt();
      if (text === '/quit') return shutdown(0);
      if (text === '/interrupt' || text.startsWith('/interrupt ')) {
        const taskId = text.slice('/interrupt'.length).trim();
        await publish('interrupt', randomUUID(), taskId ? { taskId } : {});
        return prompt();
      }
      if (text.startsWith('/')) {
        line('! commands: /interrupt [taskId], /quit');
        return prompt();
      }
      const { taskId, ended } = await say(text);
      pending.push({ taskId, ended });
    });
  });
  rl.on('close', async () => {
    if (closing) return;
    await lines;
    for (const { taskId, ended } of pending) {
      if (turns.has(taskId) && (await waitFor(ended)) === 'timeout') {
        late++;
        line(`! task ${short(taskId)}: no reply, failure or interruption within ${opts.wait} ms`);
      }
    }
    await shutdown(late > 0 ? 2 : 0);
  });
}

main().catch((err) => fail(String(err?.message ?? err)));
