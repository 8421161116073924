import { DecimalPipe } from '@angular/common';
import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  effect,
  ElementRef,
  inject,
  input,
  NgZone,
  output,
  signal,
  untracked,
  viewChild,
  ViewEncapsulation,
} from '@angular/core';
import { DropSummary } from '@gtd/shared-contracts';
import { Subscription } from 'rxjs';
import { outcomeLabel } from '../series/outcomes';
import { OutcomeCount, SellThroughSeries } from '../series/sell-through-series';
import { SummaryStream } from '../stream/summary-stream-service';
import { SummaryStreamEvent } from '../stream/summary-stream';
import { announceSellThrough, QUIET, SellThroughAnnouncement, StreamStatus } from './sell-through-announcer';
import { SellThroughPlots, UPLOT_LOADER } from './sell-through-plots';

const STATUS_TEXT: Readonly<Record<StreamStatus, string>> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  unauthorized: 'Token refused',
  'not-found': 'No such drop',
  refused: 'Refused by the server',
};

/** A shape beside the status word, so the status is never told by colour alone. */
const STATUS_MARK: Readonly<Record<StreamStatus, string>> = {
  connecting: '○',
  live: '●',
  reconnecting: '↻',
  unauthorized: '✕',
  'not-found': '✕',
  refused: '✕',
};

const sameCounts = (a: readonly OutcomeCount[], b: readonly OutcomeCount[]) =>
  a.length === b.length && a.every((x, i) => x.outcome === b[i].outcome && x.count === b[i].count);

/**
 * A drop's live sell-through for the operator: the current figures as text, and two uPlot charts
 * of the last five minutes (units sold and available; attempts per second by outcome), fed by the
 * summary stream and moving once a second.
 *
 * Accessibility: the canvases are hidden from assistive technology; the figures above them are
 * their text alternative (a `<dl>`), and a polite live region speaks the figures at most every
 * 10 s, a state change (sold out, paused) or a connection change at once.
 *
 * The drawing (uPlot, its timers, the resize observer) runs outside Angular's zone when there is
 * one; the figures are signals, which schedule change detection themselves.
 */
@Component({
  selector: 'gtd-sell-through-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  // uPlot builds its DOM itself, so its stylesheet (and the rules here that reach into that DOM)
  // cannot carry Angular's emulated-encapsulation attributes; every rule here is under the
  // component's own class names.
  encapsulation: ViewEncapsulation.None,
  imports: [DecimalPipe],
  templateUrl: './sell-through-chart.html',
  styleUrls: ['../../../../../../../node_modules/uplot/dist/uPlot.min.css', './sell-through-chart.css'],
})
export class SellThroughChart {
  readonly productId = input.required<number>();
  /** The operator token, sent as `Authorization: Bearer …`. */
  readonly token = input.required<string>();
  /** The token was refused (401): the stream has stopped; the console returns to sign-in. */
  readonly unauthorized = output<void>();

  private readonly stream = inject(SummaryStream);
  private readonly zone = inject(NgZone);
  private readonly loadUPlot = inject(UPLOT_LOADER);
  private readonly destroyRef = inject(DestroyRef);
  private readonly levelsHost = viewChild.required<ElementRef<HTMLElement>>('levels');
  private readonly attemptsHost = viewChild.required<ElementRef<HTMLElement>>('attempts');

  protected readonly status = signal<StreamStatus>('connecting');
  protected readonly summary = signal<DropSummary | undefined>(undefined);
  protected readonly recent = signal<readonly OutcomeCount[]>([], { equal: sameCounts });
  protected readonly announcement = signal<SellThroughAnnouncement>(QUIET);
  protected readonly chartsFailed = signal(false);
  protected readonly statusText = STATUS_TEXT;
  protected readonly statusMark = STATUS_MARK;
  protected readonly label = outcomeLabel;

  private series = new SellThroughSeries();
  private plots: SellThroughPlots | undefined;
  private destroyed = false;

  constructor() {
    effect((onCleanup) => {
      const productId = this.productId();
      const token = this.token();
      untracked(() => onCleanup(this.watch(productId, token)));
    });
    afterNextRender(() => this.zone.runOutsideAngular(() => this.startDrawing()));
    this.destroyRef.onDestroy(() => {
      this.destroyed = true;
      this.plots?.destroy();
      this.plots = undefined;
    });
  }

  /** Opens the stream for one drop and token, from an empty series; returns its teardown. */
  private watch(productId: number, token: string): () => void {
    const series = new SellThroughSeries();
    this.series = series;
    this.status.set('connecting');
    this.summary.set(undefined);
    this.announcement.set(QUIET);
    this.refresh();
    const subscription: Subscription = this.zone.runOutsideAngular(() =>
      this.stream.watch(productId, token).subscribe((event) => this.onEvent(series, event)),
    );
    return () => subscription.unsubscribe();
  }

  private onEvent(series: SellThroughSeries, event: SummaryStreamEvent): void {
    const now = Date.now();
    switch (event.kind) {
      case 'open':
        // "Live" once figures arrive (the server sends the current summary at once).
        return;
      case 'summary':
        series.add(event.summary, now);
        this.status.set('live');
        break;
      case 'reconnecting':
        series.interrupt(now);
        this.status.set('reconnecting');
        break;
      case 'unauthorized':
        series.interrupt(now);
        this.status.set('unauthorized');
        // Inside the zone: the console's handler navigates, and a zoned router must notice.
        this.zone.run(() => this.unauthorized.emit());
        break;
      case 'not-found':
      case 'refused':
        series.interrupt(now);
        this.status.set(event.kind);
        break;
    }
    this.refresh(now);
  }

  private startDrawing(): void {
    const timer = setInterval(() => {
      this.series.tick(Date.now());
      this.refresh();
    }, 1000);
    // Resized in the next frame, not in the observer's callback: a plot resized there changes the
    // observed layout again before the frame ends, and the browser reports "ResizeObserver loop
    // completed with undelivered notifications" as an uncaught error (seen when the page's height
    // changed under the chart). One resize per frame, however many notifications.
    let frame: number | undefined;
    const resizes =
      typeof ResizeObserver === 'undefined'
        ? undefined
        : new ResizeObserver(() => {
            frame ??= requestAnimationFrame(() => {
              frame = undefined;
              this.plots?.resize();
            });
          });
    resizes?.observe(this.levelsHost().nativeElement);
    this.destroyRef.onDestroy(() => {
      clearInterval(timer);
      resizes?.disconnect();
      if (frame !== undefined) cancelAnimationFrame(frame);
    });
    this.loadUPlot().then(
      (UPlot) => {
        if (this.destroyed) return;
        this.plots = new SellThroughPlots(
          UPlot,
          { levels: this.levelsHost().nativeElement, attempts: this.attemptsHost().nativeElement },
          this.series,
        );
      },
      () => this.chartsFailed.set(true),
    );
  }

  /** Figures, announcement and charts from the series as it stands. */
  private refresh(now = Date.now()): void {
    const series = this.series;
    this.summary.set(series.latest);
    this.recent.set(series.recentAttempts(60));
    this.announcement.update((previous) =>
      announceSellThrough(previous, { status: this.status(), summary: series.latest, nowMs: now }),
    );
    const plots = this.plots;
    if (plots) this.zone.runOutsideAngular(() => plots.draw(series));
  }
}
