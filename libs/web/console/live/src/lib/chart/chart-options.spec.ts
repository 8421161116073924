import { ErrorCode } from '@gtd/shared-contracts';
import { SOLD } from '../series/outcomes';
import {
  attemptsOptions,
  LEVEL_STYLES,
  levelsOptions,
  LineStyle,
  outcomeStyle,
  PALETTE,
} from './chart-options';

/** WCAG relative luminance contrast of a colour against white. */
function contrastOnWhite(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return 1.05 / (luminance + 0.05);
}

const look = (style: LineStyle) => `${style.stroke} ${style.width} ${style.dash?.join(',') ?? 'solid'}`;

const OUTCOMES = [
  SOLD,
  ErrorCode.SoldOut,
  ErrorCode.InsufficientStock,
  ErrorCode.LimitReached,
  ErrorCode.AuthRequired,
  ErrorCode.RateLimited,
  ErrorCode.NotStarted,
  ErrorCode.Paused,
  ErrorCode.Ended,
];

describe('chart options', () => {
  it('keeps every line at 3:1 or more against the white background (WCAG 1.4.11)', () => {
    for (const colour of Object.values(PALETTE)) expect(contrastOnWhite(colour)).toBeGreaterThanOrEqual(3);
  });

  it('tells every line of a chart apart by its dash pattern, not by colour alone', () => {
    const levelDashes = Object.values(LEVEL_STYLES).map((s) => s.dash?.join(',') ?? 'solid');
    expect(new Set(levelDashes).size).toBe(levelDashes.length);
    const styles = [...OUTCOMES, 'SOMETHING_NEW', 'ANOTHER_NEW'].map((o, i) => outcomeStyle(o, i));
    const dashes = styles.map((s) => s.dash?.join(',') ?? 'solid');
    expect(new Set(dashes).size).toBe(dashes.length);
    expect(new Set(styles.map(look)).size).toBe(styles.length);
  });

  it('labels the attempt lines in words and keeps five minutes on the x axis', () => {
    const options = attemptsOptions(640, [SOLD, ErrorCode.SoldOut, 'BRAND_NEW_CODE']);
    expect(options.series.map((s) => s.label)).toEqual([undefined, 'Sold', 'Sold out', 'Brand new code']);
    const range = options.scales?.['x']?.range as (u: unknown, min: number, max: number) => [number, number];
    expect(range(undefined, 1000, 2000)).toEqual([1701, 2000]);
    const y = options.scales?.['y']?.range as (
      u: unknown,
      min: number,
      max: number | null,
    ) => [number, number];
    expect(y(undefined, 0, null)).toEqual([0, 1]);
    expect(y(undefined, 3, 50)).toEqual([0, 55]);
    expect(options.width).toBe(640);
  });

  it('shows the levels as sold, available and stock, with a legend marker dashed like each line', () => {
    const options = levelsOptions(500);
    expect(options.series.slice(1).map((s) => s.label)).toEqual(['Sold', 'Available', 'Stock']);
    const dash = options.legend?.markers?.dash as (u: unknown, i: number) => string;
    expect([1, 2, 3].map((i) => dash(undefined, i))).toEqual(['solid', 'dashed', 'dotted']);
  });
});
