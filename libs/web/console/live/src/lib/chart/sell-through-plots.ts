import { InjectionToken } from '@angular/core';
import type uPlot from 'uplot';
import { SellThroughSeries } from '../series/sell-through-series';
import { attemptsOptions, levelsOptions } from './chart-options';

export type UPlotConstructor = typeof uPlot;

/**
 * Loads uPlot on first use. A dynamic import, so the library (and the time it takes to parse it)
 * lands in a chunk of its own, fetched only when a console page draws a chart.
 */
export const UPLOT_LOADER = new InjectionToken<() => Promise<UPlotConstructor>>('UPLOT_LOADER', {
  providedIn: 'root',
  factory: () => () => import('uplot').then((module) => module.default),
});

/** A width to start with where layout has not given the host one yet. */
const FALLBACK_WIDTH = 600;

/**
 * The two uPlot charts of a drop's sell-through: levels over time, and attempts per second by
 * outcome. The attempts chart is rebuilt when an outcome appears for the first time (uPlot's
 * series are fixed at creation, and a new code is rare); otherwise each draw only hands uPlot the
 * new columns.
 */
export class SellThroughPlots {
  private readonly levels: uPlot;
  private attempts: uPlot;
  private outcomes: string[];

  constructor(
    private readonly UPlot: UPlotConstructor,
    private readonly hosts: { readonly levels: HTMLElement; readonly attempts: HTMLElement },
    series: SellThroughSeries,
  ) {
    this.levels = new UPlot(levelsOptions(widthOf(hosts.levels)), series.levels(), hosts.levels);
    this.outcomes = series.outcomes();
    this.attempts = this.createAttempts(series);
  }

  draw(series: SellThroughSeries): void {
    this.levels.setData(series.levels());
    const outcomes = series.outcomes();
    if (outcomes.join() !== this.outcomes.join()) {
      this.attempts.destroy();
      this.outcomes = outcomes;
      this.attempts = this.createAttempts(series);
    } else {
      this.attempts.setData(series.attemptsPerSecond());
    }
  }

  /** Follows the hosts' widths (the page's layout decides them); the height stays. */
  resize(): void {
    for (const [plot, host] of [
      [this.levels, this.hosts.levels],
      [this.attempts, this.hosts.attempts],
    ] as const) {
      const width = widthOf(host);
      if (width !== plot.width) plot.setSize({ width, height: plot.height });
    }
  }

  destroy(): void {
    this.levels.destroy();
    this.attempts.destroy();
  }

  private createAttempts(series: SellThroughSeries): uPlot {
    return new this.UPlot(
      attemptsOptions(widthOf(this.hosts.attempts), this.outcomes),
      series.attemptsPerSecond(),
      this.hosts.attempts,
    );
  }
}

function widthOf(host: HTMLElement): number {
  return Math.floor(host.clientWidth) || FALLBACK_WIDTH;
}
