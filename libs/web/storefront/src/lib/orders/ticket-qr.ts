import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { create } from 'qrcode';

/** Light modules around the code, as the QR standard asks, so a scanner finds its edges. */
const QUIET_ZONE = 4;

export interface QrDrawing {
  /** Modules per side, quiet zone included. */
  readonly size: number;
  /** The dark modules as one SVG path, a rectangle per horizontal run. */
  readonly path: string;
}

/**
 * A QR code of `text` as an SVG path: drawn by the template itself, so no HTML string has to get
 * past Angular's sanitizer and nothing inline asks anything of the Content-Security-Policy.
 */
export function qrDrawing(text: string): QrDrawing {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const runs: string[] = [];
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && modules.get(row, col)) col++;
      runs.push(`M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${col - start}v1h-${col - start}z`);
    }
  }
  return { size: n + 2 * QUIET_ZONE, path: runs.join('') };
}

/** The ticket as a QR code for the door's scanner, described in words for everyone else. */
@Component({
  selector: 'gtd-ticket-qr',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <svg
      class="qr"
      role="img"
      [attr.aria-label]="label()"
      [attr.viewBox]="'0 0 ' + drawing().size + ' ' + drawing().size"
      shape-rendering="crispEdges"
      data-testid="ticket-qr"
    >
      <rect width="100%" height="100%" fill="#fff" />
      <path [attr.d]="drawing().path" fill="#000" />
    </svg>
  `,
  styles: `
    :host {
      display: block;
    }
    .qr {
      display: block;
      width: min(100%, 18rem);
      height: auto;
      aspect-ratio: 1;
    }
  `,
})
export class TicketQr {
  /** The signed ticket (compact JWS). */
  readonly ticket = input.required<string>();
  /** What a screen reader says instead of the picture. */
  readonly label = input.required<string>();

  protected readonly drawing = computed(() => qrDrawing(this.ticket()));
}
