// The report: machine facts, a Markdown table and the JSON behind it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

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

/**
 * @param {any} row one measured row of the JSON report
 */
function tableRow(row) {
  if (row.skipped) {
    return `| ${row.scenario} | ${row.connections} | ${row.server} | skipped: ${row.skipped} |  |  |  |  |  |  |  |  |`;
  }
  const ratio = row.ratioToBaseline === undefined ? '–' : `${row.ratioToBaseline.toFixed(2)}×`;
  const errors = row.errors === 0 ? '0' : `**${row.errors}** (${row.timeouts} t/o)`;
  const unexpected = row.unexpected === 0 ? '0' : `**${row.unexpected}**`;
  const oversell = row.oversell ? (row.oversell.pass ? 'PASS' : '**FAIL**') : '';
  const max = row.latencyMs.max >= 1000 ? `**${ms(row.latencyMs.max)}**` : ms(row.latencyMs.max);
  return [
    row.scenario,
    row.connections,
    row.server,
    int(row.requestsPerSecond),
    ratio,
    ms(row.latencyMs.p50),
    ms(row.latencyMs.p99),
    max,
    row.expectedNon2xx === 0 ? '0' : int(row.expectedNon2xx),
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
      `pipelining 1 · ${report.pinning}.`,
    '',
    '| scenario | conns | server | req/s | × baseline | p50 ms | p99 ms | max ms | expected non-2xx | unexpected | errors | CPU % server / load / other | no oversell |',
    '| --- | --: | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --- |',
    ...report.rows.map(tableRow),
    '',
    'Scenarios:',
    '',
    ...report.scenarios.map((/** @type {any} */ s) => `- \`${s.name}\`: ${s.description}`),
    '',
    'Servers:',
    '',
    ...report.servers.map(
      (/** @type {any} */ s) =>
        `- \`${s.name}\`: ${s.description}${s.status === 'skipped' ? ` — **skipped**: ${s.note}` : ''}`,
    ),
    '',
    'Reading the table: each row first opens its connections and warms up on them (not measured), then ' +
      'measures; req/s counts the answers (the 409s of `sold-out` too) from the end of the warm-up to the last ' +
      'answer; latencies are those of the requests sent in that window; "unexpected" is any status other than ' +
      "the scenario's own (201, 409, 200); errors are connection errors and timeouts (10 s). " +
      'CPU % is the CPU time used in that window by the server (all its processes), by the load generator and by ' +
      'everything else on the machine (PostgreSQL, Redis, other work), as a share of one core: a server near 100 % ' +
      'of its one core is CPU-bound; a lot of "other" means the row was disturbed or paid a database. ' +
      '"No oversell" compares the stock change over the whole rush row, warm-up included (read before and after), ' +
      'with the number of 201 answers.',
  ];
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
async function pretty(text, path, parser) {
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
