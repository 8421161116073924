import type uPlot from 'uplot';
import { outcomeLabel, SOLD } from '../series/outcomes';
import { WINDOW_SECONDS } from '../series/sell-through-series';

/** How one line looks: never told apart by colour alone, each has its own dash pattern too. */
export interface LineStyle {
  readonly stroke: string;
  readonly width: number;
  /** Canvas `setLineDash` segments; none for a solid line. */
  readonly dash?: readonly number[];
}

/**
 * Okabe & Ito's colour-blind-safe palette, its light hues (orange, sky blue) darkened so that every
 * line keeps 3:1 against the white background (WCAG 1.4.11); the dash patterns tell the lines
 * apart in greyscale and for any colour vision.
 */
export const PALETTE = {
  black: '#000000',
  blue: '#0072B2',
  vermillion: '#D55E00',
  green: '#009E73',
  purple: '#CC79A7',
  orange: '#B06F00',
  sky: '#2B8CC4',
} as const;

export const LEVEL_STYLES: Readonly<Record<'sold' | 'available' | 'stock', LineStyle>> = {
  sold: { stroke: PALETTE.blue, width: 2.5 },
  available: { stroke: PALETTE.vermillion, width: 2.5, dash: [10, 5] },
  stock: { stroke: PALETTE.black, width: 1.5, dash: [2, 4] },
};

const OUTCOME_STYLES: Readonly<Record<string, LineStyle>> = {
  [SOLD]: { stroke: PALETTE.green, width: 2.5 },
  SOLD_OUT: { stroke: PALETTE.vermillion, width: 2, dash: [10, 5] },
  INSUFFICIENT_STOCK: { stroke: PALETTE.orange, width: 2, dash: [2, 4] },
  LIMIT_REACHED: { stroke: PALETTE.purple, width: 2, dash: [12, 4, 2, 4] },
  AUTH_REQUIRED: { stroke: PALETTE.sky, width: 2, dash: [16, 4] },
  RATE_LIMITED: { stroke: PALETTE.blue, width: 2, dash: [5, 5] },
  NOT_STARTED: { stroke: PALETTE.black, width: 1.5, dash: [1, 4] },
  PAUSED: { stroke: PALETTE.black, width: 2, dash: [12, 4, 2, 4, 2, 4] },
  ENDED: { stroke: PALETTE.purple, width: 1.5, dash: [4, 2] },
};

/** For codes added later: colours and dashes taken in turn. */
const SPARE_STYLES: readonly LineStyle[] = [
  { stroke: PALETTE.orange, width: 2, dash: [8, 3, 2, 3] },
  { stroke: PALETTE.sky, width: 2, dash: [3, 3] },
  { stroke: PALETTE.green, width: 2, dash: [14, 3, 3, 3] },
  { stroke: PALETTE.vermillion, width: 1.5, dash: [1, 3] },
];

export function outcomeStyle(outcome: string, spareIndex = 0): LineStyle {
  return OUTCOME_STYLES[outcome] ?? SPARE_STYLES[spareIndex % SPARE_STYLES.length];
}

export const PLOT_HEIGHT = 220;

/** The legend's marker for a line: a border in the line's colour, dotted or dashed like the line. */
function markerDash(style: LineStyle): string {
  if (!style.dash) return 'solid';
  return style.dash[0] <= 2 ? 'dotted' : 'dashed';
}

function line(label: string, style: LineStyle, unit: string): uPlot.Series {
  return {
    label,
    stroke: style.stroke,
    width: style.width,
    dash: style.dash ? [...style.dash] : undefined,
    points: { show: false },
    value: (_u, v) => (v === null || v === undefined ? '–' : `${v} ${unit}`),
  };
}

function baseOptions(
  width: number,
  series: uPlot.Series[],
  styles: LineStyle[],
  yLabel: string,
): uPlot.Options {
  return {
    width,
    height: PLOT_HEIGHT,
    // The last five minutes whatever the data holds, so the chart scrolls at the same pace even
    // with few points; y from 0, so a flat line is not stretched to fill the height.
    scales: {
      x: { time: true, range: (_u, _min, max) => [max - WINDOW_SECONDS + 1, max] },
      y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil((max ?? 0) * 1.1))] },
    },
    axes: [{}, { label: yLabel, size: 60 }],
    series: [{}, ...series],
    legend: {
      markers: {
        width: 3,
        dash: (_u, i) => (i === 0 ? 'solid' : markerDash(styles[i - 1])),
      },
    },
    cursor: { drag: { x: false, y: false } },
  };
}

export function levelsOptions(width: number): uPlot.Options {
  const styles = [LEVEL_STYLES.sold, LEVEL_STYLES.available, LEVEL_STYLES.stock];
  const series = [
    line('Sold', styles[0], 'units'),
    line('Available', styles[1], 'units'),
    line('Stock', styles[2], 'units'),
  ];
  return baseOptions(width, series, styles, 'Units');
}

/** One line per outcome, in the order of the data's columns. */
export function attemptsOptions(width: number, outcomes: readonly string[]): uPlot.Options {
  let spare = 0;
  const styles = outcomes.map((outcome) =>
    outcomeStyle(outcome, Object.hasOwn(OUTCOME_STYLES, outcome) ? 0 : spare++),
  );
  const series = outcomes.map((outcome, i) => line(outcomeLabel(outcome), styles[i], '/ s'));
  return baseOptions(width, series, styles, 'Attempts per second');
}
