import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiRoutes } from '@gtd/shared-contracts';
import { catalogWithStocks, send, useServer, WORKSPACE_ROOT } from '@gtd/testing';
import { buyRequest } from '../support/drop';

const TOKEN = 'e2e-operator-token-0123456789';

interface Dashboard {
  templating: { list: { query: string }[] };
  panels: { title: string; targets: { expr: string }[] }[];
}

/** The metric names an expression reads, and the labels it selects or groups by. */
function readsOf(expr: string): { metrics: string[]; labels: string[] } {
  const metrics = [...expr.matchAll(/\b((?:gtd|process)_[a-z0-9_]+)\b/g)].map((m) => m[1]);
  const selected = [...expr.matchAll(/[{,]\s*([a-z_]+)\s*=~?/g)].map((m) => m[1]);
  const grouped = [...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) =>
    m[1].split(',').map((l) => l.trim()),
  );
  return { metrics, labels: [...selected, ...grouped] };
}

/**
 * The Grafana dashboard in deploy/ reads only series the API exposes, with labels they carry: checked
 * against a real scrape, so a renamed metric or label fails here, not on an operator's screen.
 */
describe('deploy/grafana/golden-ticket-drop.json', () => {
  const server = useServer(catalogWithStocks(10, 10), { ADMIN_TOKEN: TOKEN });
  const dashboard: Dashboard = JSON.parse(
    readFileSync(join(WORKSPACE_ROOT, 'deploy/grafana/golden-ticket-drop.json'), 'utf8'),
  );

  it('charts only metrics and labels GET /metrics has', async () => {
    // Series for every panel: a sale, a rejection, a waiting room.
    await send(server.baseUrl, buyRequest(2, 1));
    await send(server.baseUrl, buyRequest(2, 100));
    const queue = await send(server.baseUrl, {
      method: 'PUT',
      path: ApiRoutes.admin.queue(1),
      headers: { authorization: `Bearer ${TOKEN}` },
      json: { enabled: true },
    });
    expect(queue.status).toBe(200);
    const scrape = (await send(server.baseUrl, { path: ApiRoutes.metrics })).text;
    const types = new Map([...scrape.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]] as const));
    const samples = scrape.split('\n').filter((line) => line !== '' && !line.startsWith('#'));

    const exprs = [
      ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)),
      ...dashboard.templating.list.map((variable) => variable.query),
    ];
    expect(exprs.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const expr of exprs) {
      const { metrics, labels } = readsOf(expr);
      if (metrics.length === 0) missing.push(`${expr}: reads no metric of the API`);
      for (const metric of metrics) {
        const base = metric.replace(/_(bucket|count|sum)$/, '');
        const family = types.has(metric) ? metric : types.get(base) === 'histogram' ? base : undefined;
        if (!family) {
          missing.push(`${expr}: ${metric} is not exposed`);
          continue;
        }
        const lines = samples.filter(
          (line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `),
        );
        // A family without a series on this store kind (the persister's backlog exists with
        // STORE=redis only) is checked by name alone.
        if (lines.length === 0) continue;
        for (const label of labels) {
          if (!lines.some((line) => line.includes(`${label}="`)))
            missing.push(`${expr}: no ${metric} series carries ${label}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
