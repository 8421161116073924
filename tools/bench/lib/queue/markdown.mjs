// The queue scenario's report section.

/** @param {number | undefined} n */
const num = (n) => (n === undefined ? '–' : n.toLocaleString('en-US'));
/** @param {number | undefined} n */
const cores = (n) => (n === undefined ? '–' : n.toFixed(2));

const PHASES = /** @type {const} */ ([
  ['join', 'joining (pre-queue)'],
  ['wait', 'waiting (everyone joined)'],
  ['opening', 'opening → last sale'],
  ['afterSellOut', 'last sale → everyone told'],
]);

/**
 * @param {{ machine: any, command: string, runs: any[], notes: string[] }} report
 */
export function queueMarkdown({ machine, command, runs, notes }) {
  const lines = [
    '# Queue scenario: a waiting room behind an nginx edge',
    '',
    `\`${command}\` — ${machine.date}, ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, commit ${machine.commit}.`,
    '',
    'Every visitor request goes through nginx (`startEdge` of `@gtd/testing`: the queue status cached as ' +
      'its `Cache-Control` allows, lock, stale while updating, background revalidation); origin figures ' +
      'come from its own `/metrics` (deltas between readings), CPU from `/proc/<pid>/stat` ' +
      '(1.00 = one core busy throughout).',
    '',
  ];
  for (const run of runs) {
    lines.push(
      `## ${num(run.visitors)} visitors, ${num(run.stock)} units (${run.store}, ${run.statusConnections} + ${run.connections} connections to the edge, pollAfterMs ${run.pollAfterMs})`,
      '',
      '| phase | s | origin req/s | status | join | position | pass | buy | other | origin CPU | nginx CPU | load gen CPU |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const [key, phaseLabel] of PHASES) {
      const label = key === 'opening' && !run.soldOut ? 'opening → time limit' : phaseLabel;
      const p = run.phases[key];
      const r = p.originPerSecond;
      lines.push(
        `| ${label} | ${p.seconds} | ${num(r.total)} | ${num(r.status)} | ${num(r.join)} | ${num(r.position)} | ${num(r.pass)} | ${num(r.buy)} | ${num(r.other)} | ${cores(p.cpuCores.origin)} | ${cores(p.cpuCores.edge)} | ${cores(p.cpuCores.loadGenerator)} |`,
      );
    }
    const peak = run.openingPeakSecond;
    const lag = run.soldOutSeenAfterLastSaleMs;
    const check = run.stockCheck;
    lines.push(
      '',
      `- Busiest second after the opening: ${peak ? `${num(peak.originPerSecond.total)} origin req/s (status ${num(peak.originPerSecond.status)}, position ${num(peak.originPerSecond.position)}, pass ${num(peak.originPerSecond.pass)}, buy ${num(peak.originPerSecond.buy)})` : '–'}.`,
      `- Opening to last sale: ${run.openingToLastSaleS ?? '–'} s${run.soldOut ? '' : ' (**not sold out** within the time allowed)'}.`,
      `- Passes claimed: ${num(run.passesAfterOpeningMs.passes)}, p50 ${num(run.passesAfterOpeningMs.p50)} ms after the opening, last ${num(run.passesAfterOpeningMs.max)} ms.`,
      `- \`POST /buy\` attempts: ${num(run.buyAttempts)}, **${run.buyAttemptsPerUnitSold ?? '–'} per unit sold**.`,
      `- "Sold out" seen after the last sale, by the ${num(lag.visitors)} visitors told so: p50 ${num(lag.p50)} ms, p99 ${num(lag.p99)} ms, **max ${num(lag.max)} ms**${run.everyoneTold ? '' : `; **${num(run.stillWaiting)} visitors were still not told** when the run stopped`}.`,
      `- Sold: **${num(check.soldByOrigin)} of ${num(check.stock)}** by the origin's stock, ${num(check.answered201)} answered 201: ${check.pass ? 'PASS' : '**FAIL**'}.`,
      `- Crowd requests (all through the edge): ${Object.entries(run.crowdRequests)
        .map(([k, v]) => `${k} ${num(v)}`)
        .join(', ')}; mean status latency ${num(run.statusLatencyMsMean)} ms.`,
      `- Edge cache on the status: ${Object.entries(run.edgeCache)
        .map(([k, v]) => `${k} ${num(v)}`)
        .join(', ')}.`,
      `- Outcomes: ${Object.entries(run.outcomes)
        .map(([k, v]) => `${k} ${num(v)}`)
        .join(', ')}.`,
      `- Answers: ${Object.entries(run.answers)
        .sort()
        .map(([k, v]) => `${k}: ${num(v)}`)
        .join(', ')}.`,
    );
    if (run.errors.length > 0) lines.push(`- Visitor errors (first distinct): ${run.errors.join('; ')}.`);
    if (run.edgeErrors.length > 0) lines.push(`- nginx errors: ${run.edgeErrors.join(' / ')}.`);
    lines.push('');
  }
  if (notes.length > 0) lines.push('## Notes', '', ...notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}
