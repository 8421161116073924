// The report: machine facts, a Markdown table and the JSON behind it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { soakMarkdown } from './soak.mjs';

const require = createRequire(import.meta.url);

/** @param {string} name */
function packageVersion(name) {
  try {
    return /** @type {{ version: string }} */ (require(`${name}/package.json`)).version;
  } catch {
    return 'not installed';
  }
}

/** @param {string} root */
function gitCommit(root) {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: root,
    encoding: 'utf8',
  });
  return head.stdout.trim() + (status.stdout.trim() ? ' (with uncommitted changes)' : '');
}

function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** @param {string} root */
export function machineFacts(root) {
  return {
    cpu: cpuModel(),
    // Not availableParallelism(): the bench pins itself to one core before it asks.
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    commit: gitCommit(root),
    versions: {
      '@nestjs/core': packageVersion('@nestjs/core'),
      '@nestjs/platform-express': packageVersion('@nestjs/platform-express'),
      '@nestjs/platform-fastify': packageVersion('@nestjs/platform-fastify'),
      autocannon: packageVersion('autocannon'),
    },
  };
}

/** @param {number} n */
const int = (n) => Math.round(n).toLocaleString('en-US');
/** @param {number | undefined} n */
const ms = (n) => (n === undefined ? '–' : n >= 100 ? int(n) : String(Math.round(n * 10) / 10));

/** @param {number | undefined} ratio */
const times = (ratio) => (ratio === undefined ? '–' : `${ratio.toFixed(2)}×`);

/**
 * One line of a scenario's table.
 * @param {any} row one measured row of the JSON report
 */
export function tableRow(row) {
  if (row.skipped) {
    return `| ${row.connections} | ${row.server} | skipped: ${row.skipped} |  |  |  |  |  |  |  |  |  |  |  |`;
  }
  const errors = row.errors === 0 ? '0' : `**${row.errors}** (${row.timeouts} t/o)`;
  const unexpected = row.unexpected === 0 ? '0' : `**${row.unexpected}**`;
  const oversell = row.oversell ? (row.oversell.pass ? 'PASS' : '**FAIL**') : '';
  const max = row.latencyMs.max >= 1000 ? `**${ms(row.latencyMs.max)}**` : ms(row.latencyMs.max);
  const expected = row.expectedNon2xx === 0 ? '0' : int(row.expectedNon2xx);
  return [
    row.connections,
    row.server,
    row.rounds
      ? `${int(row.requestsPerSecond)} (${row.rounds.map(int).join(' / ')})`
      : int(row.requestsPerSecond),
    times(row.ratioToFloor),
    times(row.ratioToBaseline),
    ms(row.latencyMs.p50),
    ms(row.latencyMs.p99),
    times(row.p99ToFloor),
    max,
    row.stale > 0 ? `${expected} (+${int(row.stale)} stale 200)` : expected,
    unexpected,
    errors,
    row.serverCpuPercent === undefined
      ? '–'
      : `${Math.round(row.serverCpuPercent)} / ${Math.round(row.loadCpuPercent)} / ${Math.round(row.otherCpuPercent ?? 0)}`,
    oversell,
  ]
    .join(' | ')
    .replace(/^/, '| ')
    .concat(' |');
}

/** The header of every row table (the scenario tables, and growth sections that reuse tableRow). */
export const TABLE_HEADER = [
  '| conns | server | req/s | × floor | × baseline | p50 ms | p99 ms | p99 × floor | max ms | expected non-2xx | unexpected | errors | CPU % server / load / other | no oversell |',
  '| --: | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --- |',
];

/**
 * Each product config's req/s over its floor, one column per scenario, at the first connection
 * count: the issue's goals read off one table.
 * @param {any} report
 */
function floorSummary(report) {
  const connections = report.options.connections[0];
  const measured = report.rows.filter((/** @type {any} */ r) => !r.skipped && r.connections === connections);
  const scenarios = report.scenarios
    .map((/** @type {any} */ s) => s.name)
    .filter((/** @type {string} */ name) =>
      measured.some((/** @type {any} */ r) => r.scenario === name && r.ratioToFloor !== undefined),
    );
  const servers = [
    ...new Set(
      measured
        .filter((/** @type {any} */ r) => r.ratioToFloor !== undefined)
        .map((/** @type {any} */ r) => r.server),
    ),
  ];
  if (servers.length === 0) return [];
  const cell = (/** @type {string} */ server, /** @type {string} */ scenario) => {
    const row = measured.find((/** @type {any} */ r) => r.server === server && r.scenario === scenario);
    if (!row || row.ratioToFloor === undefined) return '–';
    return `${times(row.ratioToFloor)} (p99 ${times(row.p99ToFloor)})`;
  };
  return [
    `## Against the floor (${connections} connections)`,
    '',
    "Each server's req/s over the floor of its adapter (floor-express or floor-fastify) in the same scenario, " +
      'and its p99 over the floor’s.',
    '',
    `| server | floor | ${scenarios.map((/** @type {string} */ s) => `\`${s}\``).join(' | ')} |`,
    `| --- | --- | ${scenarios.map(() => '--:').join(' | ')} |`,
    ...servers.map((server) => {
      const floor = measured.find((/** @type {any} */ r) => r.server === server && r.floor)?.floor ?? '';
      return `| ${server} | ${floor} | ${scenarios.map((/** @type {string} */ s) => cell(server, s)).join(' | ')} |`;
    }),
    '',
  ];
}

/** @param {any} report the JSON report */
export function markdown(report) {
  const { machine, options } = report;
  const lines = [
    '# Golden Ticket Drop: load benchmark',
    '',
    `${machine.date} · commit ${machine.commit} · ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB · ` +
      `Node ${machine.node} · @nestjs/core ${machine.versions['@nestjs/core']} · ` +
      `@nestjs/platform-express ${machine.versions['@nestjs/platform-express']} · ` +
      `@nestjs/platform-fastify ${machine.versions['@nestjs/platform-fastify']} · autocannon ${machine.versions.autocannon}`,
    '',
    `Run: \`${report.command}\` · ${options.duration} s measured per row after ${options.warmup} s of warm-up · ` +
      `pipelining 1 · ${report.pinning}.` +
      (options.repeat > 1
        ? ` The whole alternation ran ${options.repeat} times: each row is its median round by req/s ` +
          '(every round in brackets), its ratios taken against the median rounds of the floor and the baseline.'
        : ''),
    '',
    ...floorSummary(report),
  ];
  for (const scenario of report.scenarios) {
    const rows = report.rows.filter((/** @type {any} */ r) => r.scenario === scenario.name);
    if (rows.length === 0) continue;
    lines.push(
      `## \`${scenario.name}\``,
      '',
      `${scenario.description}.`,
      '',
      ...TABLE_HEADER,
      ...rows.map(tableRow),
      '',
    );
  }
  lines.push(
    'Servers:',
    '',
    ...report.servers.map(
      (/** @type {any} */ s) =>
        `- \`${s.name}\`: ${s.description}${s.status === 'skipped' ? ` — **skipped**: ${s.note}` : ''}`,
    ),
    '',
    'Reading the tables: each row first opens its connections and warms up on them (not measured), then ' +
      'measures; req/s counts the answers (the 409s of `sold-out` and the 304s of `poll-revalidate` too) from ' +
      'the end of the warm-up to the last answer; latencies are those of the requests sent in that window. ' +
      '"× floor" is req/s over that of the minimal Nest app on the same adapter (floor-express for Express ' +
      'configs, floor-fastify for Fastify ones) in the same scenario and connection count, "p99 × floor" the ' +
      'same for the p99; "× baseline" is over the bare node:http server. "Unexpected" is any status other than ' +
      "the scenario's own (201, 409, 200, 304; a revalidating poll sent as the ETag changed is a stale 200, " +
      'counted apart); errors are connection errors and timeouts (10 s). ' +
      'CPU % is the CPU time used in that window by the server (all its processes), by the load generator and by ' +
      'everything else on the machine (PostgreSQL, Redis, other work), as a share of one core: a server near 100 % ' +
      'of its one core is CPU-bound; a lot of "other" means the row was disturbed or paid a database. ' +
      '"No oversell" compares the stock change over the whole rush row, warm-up included (read before and after), ' +
      'with the number of 201 answers.',
  );
  if (report.soak) lines.push('', ...soakMarkdown(report.soak));
  if (report.growth) {
    // The growth module's markdown brings its own section heading.
    if (report.growth.skipped) lines.push('', '## Growth', '', `Skipped: ${report.growth.skipped}`);
    else lines.push('', report.growth.markdown.trim());
  }
  if (report.oversell.length > 0) {
    lines.push('', 'Oversell checks (stock before − stock after = 201 answers):', '');
    for (const check of report.oversell) {
      lines.push(
        `- ${check.pass ? 'PASS' : '**FAIL**'} ${check.server} at ${check.connections} connections: ` +
          `${int(check.stockBefore)} − ${int(check.stockAfter)} = ${int(check.stockChange)}; ` +
          `201 answers: ${int(check.created)}`,
      );
    }
  }
  if (report.notes.length > 0) {
    lines.push('', 'Notes:', '', ...report.notes.map((/** @type {string} */ n) => `- ${n}`));
  }
  return lines.join('\n') + '\n';
}

/**
 * Formats with the workspace's Prettier settings, so the files pass `prettier --check`.
 * @param {string} text @param {string} path @param {'markdown' | 'json'} parser
 */
export async function pretty(text, path, parser) {
  try {
    const prettier = require('prettier');
    const config = (await prettier.resolveConfig(path)) ?? {};
    return await prettier.format(text, { ...config, parser });
  } catch {
    return text;
  }
}

/**
 * Writes latest.json and latest.md, and timestamped copies (git-ignored) beside them.
 * @param {string} dir @param {any} report
 */
export async function writeReport(dir, report) {
  await mkdir(dir, { recursive: true });
  const stamp = report.machine.date.replace(/[:.]/g, '-');
  const json = await pretty(JSON.stringify(report, null, 2), join(dir, 'latest.json'), 'json');
  const md = await pretty(markdown(report), join(dir, 'latest.md'), 'markdown');
  const files = {
    json: join(dir, 'latest.json'),
    md: join(dir, 'latest.md'),
  };
  await writeFile(files.json, json);
  await writeFile(files.md, md);
  await writeFile(join(dir, `${stamp}.json`), json);
  await writeFile(join(dir, `${stamp}.md`), md);
  return { ...files, md: files.md, text: md };
}
