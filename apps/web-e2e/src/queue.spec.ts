import { AxeBuilder } from '@axe-core/playwright';
import { ApiRoutes, QueuePass, QueueSettings, QueueStatus, QueueTicket } from '@gtd/shared-contracts';
import { send, useStorefront } from '@gtd/testing';
import type { Page } from 'playwright-core';
import { GOLDEN_TICKET } from './support/catalog';
import { horizontalOverflow, screenshot, waitForText } from './support/page';

/** How far ahead the drop opens: long enough to load the page, join and look at the countdown. */
const LEAD_MS = 10_000;

/** Every axe-core finding (WCAG 2.1 A/AA and best practice), of any impact. */
async function a11yViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/** The waiting room's phase as the page shows it. */
const phaseOf = (page: Page) => page.getByTestId('queue').getAttribute('data-phase');

async function waitForPhase(page: Page, phase: string, timeout = 20_000): Promise<void> {
  await page.locator(`[data-testid="queue"][data-phase="${phase}"]`).waitFor({ timeout });
}

/**
 * The waiting room end to end, the drop and its queue set up with the operator API: the
 * production storefront joins, waits, takes its turn and buys with the pass.
 */
describe('waiting room', () => {
  // Every visitor here comes from 127.0.0.1: the per-address join limit would stop the crowd.
  const web = useStorefront([GOLDEN_TICKET], { env: { QUEUE_JOIN_RATE_LIMIT: '0' } });

  async function createDrop(stock: number, startsInMs: number): Promise<number> {
    const created = await web.api.admin('POST', ApiRoutes.admin.products, {
      name: 'Queued Release',
      description: 'Sold through a waiting room.',
      price: 2500,
      currency: 'EUR',
      stock,
      ...(startsInMs > 0 ? { startsAt: new Date(Date.now() + startsInMs).toISOString() } : {}),
    });
    expect(created.status).toBe(201);
    return created.body['id'] as number;
  }

  async function setQueue(id: number, settings: Partial<QueueSettings>): Promise<void> {
    const answer = await web.api.admin('PUT', ApiRoutes.admin.queue(id), { enabled: true, ...settings });
    expect(answer.status).toBe(200);
  }

  /** Someone else joining, straight against the API. */
  async function joinElsewhere(id: number): Promise<QueueTicket> {
    const reply = await send<QueueTicket>(web.api.baseUrl, {
      method: 'POST',
      path: ApiRoutes.queue(id),
      json: {},
    });
    expect(reply.status).toBe(201);
    return reply.body;
  }

  async function positionOf(id: number, ticket: string): Promise<number | null> {
    const reply = await send<QueueTicket>(web.api.baseUrl, {
      path: ApiRoutes.queuePosition(id),
      headers: { 'queue-ticket': ticket },
    });
    expect(reply.status).toBe(200);
    return reply.body.position;
  }

  /** The status computed at `atMs` or later (the board refreshes it about once a second). */
  async function statusSince(id: number, atMs: number): Promise<QueueStatus> {
    for (;;) {
      const { body } = await send<QueueStatus>(web.api.baseUrl, { path: ApiRoutes.queue(id) });
      if (Date.parse(body.asOf) >= atMs) return body;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The ticket the page keeps for the drop (anonymous visitor). */
  async function pageTicket(page: Page, id: number): Promise<QueueTicket> {
    const raw = await page.evaluate((key) => sessionStorage.getItem(key), `gtd.queue-ticket:${id}:anonymous`);
    expect(raw).not.toBeNull();
    return JSON.parse(raw as string) as QueueTicket;
  }

  it('joins the pre-queue, counts down, gets a drawn place, is admitted and buys with the pass', async () => {
    const { api, page, errors } = web;
    const id = await createDrop(20, LEAD_MS);
    await setQueue(id, {
      order: 'random',
      admissionsPerMinute: 600,
      admissionsPaused: true,
      passLifetimeSeconds: 120,
    });
    const others = await Promise.all(Array.from({ length: 6 }, () => joinElsewhere(id)));
    // From now on joining needs a solved challenge: the page solves it in the browser.
    await setQueue(id, {
      order: 'random',
      admissionsPerMinute: 600,
      admissionsPaused: true,
      passLifetimeSeconds: 120,
      proofOfWork: 5_000,
    });

    await page.goto(`${api.baseUrl}/drops/${id}`);
    await waitForPhase(page, 'join');
    expect(await page.getByTestId('buy-button').count()).toBe(0);
    await page.getByTestId('countdown').waitFor();
    expect(await page.locator('[role="timer"]').first().getAttribute('aria-label')).toMatch(/^Opens in /);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'queue-pre-queue');

    await page.getByTestId('queue-join').click();
    await waitForPhase(page, 'drawing');
    expect(await page.getByTestId('queue-keep-open').textContent()).toContain('a reload keeps your place');
    await waitForText(page.getByTestId('queue-announcement'), /Your place is drawn when the drop opens/);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'queue-drawing');
    const ticket = await pageTicket(page, id);
    expect(ticket.position).toBeNull();

    // The opening draws the order; admission is paused, so the page shows its place and waits.
    await waitForPhase(page, 'paused', LEAD_MS + 15_000);
    const positions = await Promise.all([
      ...others.map((t) => positionOf(id, t.ticket)),
      positionOf(id, ticket.ticket),
    ]);
    expect([...positions].sort((a, b) => (a as number) - (b as number))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const mine = positions[6] as number;
    await waitForText(page.getByTestId('queue-position'), String(mine));
    await waitForText(page.getByTestId('queue-ahead'), String(mine - 1));
    expect(await page.getByTestId('queue-paused').textContent()).toMatch(/You keep your place/);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'queue-paused-in-line');
    await page.setViewportSize({ width: 360, height: 780 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'queue-paused-in-line-360px');
    await page.setViewportSize({ width: 1280, height: 900 });

    expect((await api.admin('POST', `${ApiRoutes.admin.queue(id)}/resume`)).status).toBe(200);
    await waitForPhase(page, 'your-turn', 20_000);
    await waitForText(page.getByTestId('queue-announcement'), 'It is your turn: you can buy now.');
    expect(await page.getByTestId('queue-turn-left').getAttribute('aria-label')).toMatch(/left to buy$/);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'queue-your-turn');

    const passHeaders: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith(ApiRoutes.buy)) passHeaders.push(request.headers()['queue-pass'] ?? '');
    });
    await page.getByTestId('buy-button').click();
    const message = page.getByTestId('purchase-message');
    await message.waitFor();
    expect(await message.getAttribute('data-outcome')).toBe('success');
    const orderId = (await page.getByTestId('order-id').textContent())?.trim() as string;
    expect(await api.order(orderId)).toMatchObject({ productId: id, quantity: 1 });
    const pass = JSON.parse(
      (await page.evaluate((key) => sessionStorage.getItem(key), `gtd.queue-pass:${id}:anonymous`)) as string,
    ) as QueuePass;
    expect(passHeaders).toEqual([pass.pass]);
    expect(pass.position).toBe(mine);
    expect(await a11yViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await screenshot(page, 'queue-bought');
  });

  it('tells a visitor still waiting that it sold out, as soon as the status says so', async () => {
    const { api, page, errors } = web;
    const id = await createDrop(1, 0);
    // Automatic admission: one unit, so one visitor at a time.
    await setQueue(id, { admissionsPerMinute: null, stockMultiple: 1, passLifetimeSeconds: 120 });
    const first = await joinElsewhere(id);

    await page.goto(`${api.baseUrl}/drops/${id}`);
    await waitForPhase(page, 'join');
    await page.getByTestId('queue-join').click();
    await waitForPhase(page, 'waiting');
    await waitForText(page.getByTestId('queue-position'), '2');
    await waitForText(page.getByTestId('queue-ahead'), '0');
    await waitForText(page.getByTestId('queue-announcement'), 'You are in line. You are next in line.');
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'queue-waiting');

    // The first in line buys the last unit with its pass.
    let passReply = await send<QueuePass>(api.baseUrl, {
      method: 'POST',
      path: ApiRoutes.queuePass(id),
      headers: { 'queue-ticket': first.ticket },
    });
    for (let i = 0; passReply.status === 409 && i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      passReply = await send<QueuePass>(api.baseUrl, {
        method: 'POST',
        path: ApiRoutes.queuePass(id),
        headers: { 'queue-ticket': first.ticket },
      });
    }
    expect(passReply.status).toBe(201);
    const bought = await send(api.baseUrl, {
      method: 'POST',
      path: ApiRoutes.buy,
      json: { productId: id, quantity: 1 },
      headers: { 'queue-pass': passReply.body.pass },
    });
    expect(bought.status).toBe(201);

    await waitForPhase(page, 'sold-out');
    expect(await page.getByTestId('queue-sold-out').textContent()).toMatch(/has been claimed/);
    await waitForText(page.getByTestId('queue-announcement'), 'Sold out: nothing is left.');
    expect(await page.getByTestId('buy-button').count()).toBe(0);
    expect(await a11yViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await screenshot(page, 'queue-sold-out');
  });

  it('keeps the place, and then the turn, across a reload', async () => {
    const { api, page, errors } = web;
    const id = await createDrop(10, 0);
    await setQueue(id, { admissionsPerMinute: 600, admissionsPaused: true, passLifetimeSeconds: 120 });
    await joinElsewhere(id);
    await joinElsewhere(id);

    await page.goto(`${api.baseUrl}/drops/${id}`);
    await waitForPhase(page, 'join');
    await page.getByTestId('queue-join').click();
    await waitForPhase(page, 'paused');
    await waitForText(page.getByTestId('queue-position'), '3');
    expect((await statusSince(id, Date.now())).joined).toBe(3);

    await page.reload();
    await waitForPhase(page, 'paused');
    await waitForText(page.getByTestId('queue-position'), '3');
    await waitForText(page.getByTestId('queue-ahead'), '2');
    expect((await statusSince(id, Date.now())).joined).toBe(3); // no second ticket
    expect(await a11yViolations(page)).toEqual([]);

    expect((await api.admin('POST', `${ApiRoutes.admin.queue(id)}/resume`)).status).toBe(200);
    await waitForPhase(page, 'your-turn');
    const left = (await page.getByTestId('queue-turn-left').textContent())?.trim();
    await page.reload();
    await waitForPhase(page, 'your-turn');
    expect(await page.getByTestId('buy-button').isDisabled()).toBe(false);
    expect((await page.getByTestId('queue-turn-left').textContent())?.trim()).not.toBe('');
    expect(left).toMatch(/^\d+:\d\d$/);
    expect(await a11yViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    expect(await phaseOf(page)).toBe('your-turn');
  });
});
