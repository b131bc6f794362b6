// The operators' web console (/console) in a real browser: Debian's Chromium driven by
// playwright-core, against the all-in-one app (compiled output, `npm run build` builds the console).
// A dead letter made by a real refusal is found, its data edited (a wrong edit refused with the field)
// and replayed until its turn is answered; a group is replayed with a dry run first and a progress
// bar; the audit log shows the console's actions; task, timeline, endpoints, counters and cluster
// screens show what the API knows. A failed test leaves a screenshot (its path is printed).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WARREN_HEADERS } from '@warren/contracts';
import type { NewDeadLetter } from '@warren/store';
import { type Browser, chromium, type Page } from 'playwright-core';
import { autoTeardown, eventually, useVhost } from './support/broker';
import { startSystem, type TestSystem } from './support/system';

jest.setTimeout(120_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const SCREENSHOTS = join(tmpdir(), 'warren-console-screenshots');
if (!hasChromium) {
  // Visible in the test output: the browser tests did not run here.
  console.warn(`console e2e: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
}
const describeWithBrowser = hasChromium ? describe : describe.skip;

describeWithBrowser('the web console at /console', () => {
  const vhost = useVhost('console');
  let sys: TestSystem;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    sys = await startSystem('warren', vhost.url);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
      // Playwright starts Chromium with a fresh temporary profile (--user-data-dir) of its own.
    });
    autoTeardown({ close: () => browser.close() });
  });

  beforeEach(async () => {
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
  });

  /** Runs a test's steps; on failure saves a screenshot of the page and says where. */
  async function withScreenshot(name: string, steps: () => Promise<void>): Promise<void> {
    try {
      await steps();
    } catch (error) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const file = join(SCREENSHOTS, `${name}-${Date.now()}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      console.error(`console e2e: screenshot of the failed test "${name}": ${file}`);
      throw error;
    } finally {
      await page.close();
    }
  }

  async function signIn(key = 'dev-admin-key'): Promise<void> {
    await page.goto(`${sys.app.url}/console`);
    await page.getByLabel('Admin key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('refuses a tenant key, keeps the admin key in the tab session and never in the URL', () =>
    withScreenshot('sign-in', async () => {
      await signIn('dev-key');
      await page.getByRole('alert').filter({ hasText: 'tenant key' }).waitFor();
      await signIn();
      await page.getByRole('link', { name: 'Dead letters' }).waitFor();
      expect(page.url()).not.toContain('dev-admin-key');
      expect(await page.evaluate('sessionStorage.getItem("warren.adminKey")')).toBe('dev-admin-key');
      expect(await page.evaluate('localStorage.length')).toBe(0);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Admin key').waitFor();
      expect(await page.evaluate('sessionStorage.getItem("warren.adminKey")')).toBeNull();
    }));

  it('finds a refused message, shows its error, attempts and trace id, refuses a wrong edit and replays a valid one', () =>
    withScreenshot('edit-replay', async () => {
      // A producer sends an empty text: the ingress router refuses it and the keeper records it.
      const cloudEventId = await sys.tap.say('c1', '');
      await sys.tap.waitFor(cloudEventId, 'failed');
      const dl = await eventually(
        async () =>
          (await sys.store.deadLetters.list({ actorType: 'ingress', status: 'open' })).items.find(
            (d) => d.messageId === cloudEventId || (d.envelope as { id?: string } | undefined)?.id === cloudEventId,
          ),
        'the dead letter of the refused message',
      );
      await signIn();
      await page.getByTestId('dl-groups').getByRole('cell', { name: 'ingress', exact: true }).click();
      const row = page.locator(`[data-testid="dl-row"][data-message-id="${dl.messageId}"]`);
      await row.click();
      const detail = page.getByTestId('dl-detail');
      await detail.getByText('WARREN_INVALID_MESSAGE').first().waitFor();
      await detail.getByRole('heading', { name: /Attempts \(\d+\)/ }).waitFor();
      const traceparent = String(dl.headers.traceparent ?? '');
      if (traceparent) await detail.getByText(traceparent.split('-')[1]).first().waitFor();

      // A wrong edit is refused, naming the field; nothing is sent.
      await detail.getByLabel('message data (JSON)').fill('{"text": 5}');
      await detail.getByRole('button', { name: 'Replay edited' }).click();
      await detail.getByRole('alert').filter({ hasText: 'WARREN_INVALID_MESSAGE' }).waitFor();
      await detail.getByText('data.text').waitFor();
      expect(await page.getByTestId('dl-status').textContent()).toBe('open');

      // A valid edit replays it: the record is marked replayed and the session answers the turn.
      await detail.getByLabel('message data (JSON)').fill('{"text": "hello from the console"}');
      await detail.getByRole('button', { name: 'Replay edited' }).click();
      await page.getByTestId('dl-result').filter({ hasText: 'replayed with the edited data' }).waitFor();
      await page.getByTestId('dl-status').filter({ hasText: 'replayed' }).waitFor();
      await eventually(
        () => sys.tap.events.find((e) => e.sessionId === 'c1' && e.kind === 'reply'),
        'the reply of the edited, replayed turn',
        20_000,
      );
    }));

  it('replays a group with a dry run first, a rate and a progress bar, and shows it in the audit log', () =>
    withScreenshot('group-replay', async () => {
      const letters = [0, 1].map((n) => sessionDeadLetter(n, `g${n}`));
      for (const dl of letters) await sys.store.deadLetters.insertIfAbsent(dl);
      await signIn();
      await page.getByTestId('dl-groups').getByRole('cell', { name: 'WARREN_MODEL_UNAVAILABLE' }).click();
      for (const dl of letters) await page.locator(`[data-message-id="${dl.messageId}"]`).waitFor();

      await page.getByRole('button', { name: 'Dry run' }).click();
      await page.getByTestId('replay-progress').filter({ hasText: 'would replay 2, skipped 0 — done' }).waitFor();
      expect((await sys.store.deadLetters.get(letters[0].messageId))?.status).toBe('open');

      await page.getByLabel('Rate (letters/s)').fill('1');
      await page.getByRole('button', { name: 'Replay group' }).click();
      await page.getByTestId('replay-progress').filter({ hasText: 'replayed 2, skipped 0 — done' }).waitFor();
      for (const dl of letters) {
        await eventually(async () => (await sys.store.deadLetters.get(dl.messageId))?.status === 'replayed', 'marked replayed');
        await sys.tap.waitFor(dl.messageId, 'reply', 20_000);
      }
      // The replayed letters are under "replayed" now.
      await page.getByLabel('Status').selectOption('replayed');
      await page.getByTestId('dl-groups').getByRole('cell', { name: 'WARREN_MODEL_UNAVAILABLE' }).click();
      await page.locator(`[data-message-id="${letters[1].messageId}"]`).getByText('replayed').waitFor();

      await page.getByRole('link', { name: 'Audit' }).click();
      await page.getByTestId('audit').getByRole('row').filter({ hasText: 'dlq.replay' }).filter({ hasText: 'dev-admin' }).first().waitFor();
    }));

  it('shows a task (steps, routing, moderation, trace id), a session timeline, endpoints, live counters and the cluster panel', () =>
    withScreenshot('inspect', async () => {
      const res = await fetch(`${sys.app.url}/v1/sessions/t1/messages`, {
        method: 'POST',
        headers: { authorization: 'Bearer dev-key', 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'hello console' }),
      });
      const { taskId } = (await res.json()) as { taskId: string };
      const traceId = String(res.headers.get('traceparent')).split('-')[1];
      await sys.tap.waitFor(taskId, 'reply');
      await eventually(async () => (await sys.store.tasks.get(taskId))?.status === 'completed', 'the task completed');
      await signIn();

      await page.goto(`${sys.app.url}/console#/tasks/${taskId}`);
      const task = page.getByTestId('task');
      await task.getByText('completed').first().waitFor();
      for (const step of ['preprocess', 'moderation-in', 'model', 'moderation-out'])
        await task.getByRole('cell', { name: step, exact: true }).waitFor();
      await task.getByText(traceId).waitFor();
      await task.getByRole('heading', { name: 'Moderation decisions' }).waitFor();

      await task.getByRole('link', { name: 'dev/t1' }).click();
      const timeline = page.getByTestId('timeline');
      await timeline.getByText('hello console').waitFor();
      await timeline.locator('.badge.reply').first().waitFor();

      await page.getByRole('link', { name: 'Endpoints' }).click();
      await page.getByRole('cell', { name: 'local', exact: true }).waitFor();

      await page.getByRole('link', { name: 'Live counters' }).click();
      const counters = page.getByTestId('counters');
      await counters.getByText('Turns completed').waitFor();
      await counters.getByText('Broker connected').waitFor();

      // The all-in-one app's runtime node announces itself; the gateway shows it and its shards.
      await page.getByRole('link', { name: 'Cluster' }).click();
      const cluster = page.getByTestId('cluster');
      await cluster.getByRole('heading', { name: 'Nodes (1)' }).waitFor();
      await cluster.getByRole('heading', { name: 'Shard owners' }).waitFor();
      await cluster.getByRole('cell', { name: 'session', exact: true }).first().waitFor();
    }));
});

/** A dead letter of a turn to `session/dev~<sessionId>` whose model was down (a valid message: its replay is answered). */
function sessionDeadLetter(n: number, sessionId: string): NewDeadLetter {
  const id = `console-${randomUUID()}`;
  const at = new Date(Date.now() - 60_000 + n);
  return {
    messageId: id,
    actorType: 'session',
    address: `session/dev~${sessionId}`,
    taskId: id,
    tenant: 'dev',
    errorCode: 'WARREN_MODEL_UNAVAILABLE',
    errorClass: 'ModelUnavailableError',
    errorMessage: 'model local failed',
    handler: 'SessionActor.message',
    firstFailureAt: at,
    lastFailureAt: at,
    envelope: { specversion: '1.0', id, source: 'test/console', type: 'warren.session.message', data: { text: `hi ${n}` } },
    headers: { [WARREN_HEADERS.TASK_ID]: id, traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` },
    attempts: [
      {
        at,
        code: 'WARREN_MODEL_UNAVAILABLE',
        errorClass: 'ModelUnavailableError',
        message: 'model local failed',
        stackHead: 'ModelUnavailableError: model local failed\n    at LocalModel.complete',
      },
    ],
    at,
  };
}
