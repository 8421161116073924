import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterNextRender,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import { localTime, utcTime } from './console-time';
import { AdminClient } from '@gtd/web-console-data-access';
import { AdminProduct } from '@gtd/shared-contracts';
import { catchError, EMPTY, from, map, mergeMap, of, tap } from 'rxjs';

type DropsView = { kind: 'loading' } | { kind: 'ready'; drops: AdminProduct[] } | { kind: 'failed' };

/** Summaries read at once for the Buyers column: a console of many drops must not burst the API. */
const SUMMARY_READS_AT_ONCE = 4;

/** `/console`: every drop, for the operator. */
@Component({
  selector: 'gtd-console-drops',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <main>
      <h1 #heading tabindex="-1">Drops</h1>
      <p><a routerLink="/console/drops/new">New drop</a></p>
      @switch (view().kind) {
        @case ('loading') {
          <p role="status">Loading the drops…</p>
        }
        @case ('failed') {
          <p role="alert">The drops could not be loaded.</p>
        }
        @case ('ready') {
          <table>
            <caption>
              Every drop, paused ones included
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Stock</th>
                <th scope="col">Sold</th>
                <th scope="col">Available</th>
                <th scope="col">Buyers</th>
                <th scope="col">Opens</th>
              </tr>
            </thead>
            <tbody>
              @for (drop of drops(); track drop.id) {
                <tr>
                  <th scope="row">
                    <a [routerLink]="['/console/drops', drop.id]">{{ drop.name }}</a>
                  </th>
                  <td>{{ drop.paused ? 'paused' : drop.state }}</td>
                  <td>{{ drop.stock }}</td>
                  <td>{{ drop.stock - drop.available }}</td>
                  <td>{{ drop.available }}</td>
                  <td data-testid="drop-buyers">{{ buyers()[drop.id] ?? '–' }}</td>
                  <td>
                    @if (drop.startsAt) {
                      <time [attr.datetime]="drop.startsAt" [title]="utc(drop.startsAt)">{{
                        local(drop.startsAt)
                      }}</time>
                    } @else {
                      at once
                    }
                  </td>
                </tr>
              }
            </tbody>
          </table>
        }
      }
    </main>
  `,
})
export class ConsoleDropsPage {
  private readonly admin = inject(AdminClient);
  private readonly destroyRef = inject(DestroyRef);
  private readonly heading = viewChild.required<ElementRef<HTMLElement>>('heading');
  /**
   * Distinct buyers per drop id, filled in as each drop's summary answers (the list does not carry
   * them: counting distinct buyers is the summary's work); a drop whose summary fails shows "–".
   */
  readonly buyers = signal<Readonly<Record<number, number>>>({});
  readonly view = toSignal(
    this.admin.listProducts().pipe(
      tap((drops) => this.loadBuyers(drops)),
      map((drops): DropsView => ({ kind: 'ready', drops })),
      catchError(() => of<DropsView>({ kind: 'failed' })),
    ),
    { initialValue: { kind: 'loading' } as DropsView },
  );

  constructor() {
    afterNextRender(() => this.heading().nativeElement.focus());
  }

  drops(): AdminProduct[] {
    const view = this.view();
    return view.kind === 'ready' ? view.drops : [];
  }

  private loadBuyers(drops: readonly AdminProduct[]): void {
    from(drops)
      .pipe(
        mergeMap(({ id }) => this.admin.summary(id).pipe(catchError(() => EMPTY)), SUMMARY_READS_AT_ONCE),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe(({ productId, buyers }) =>
        this.buyers.update((known) => ({ ...known, [productId]: buyers })),
      );
  }

  // Opening times are set to the minute.
  local(iso: string): string {
    return localTime(iso, 'minute');
  }

  utc(iso: string): string {
    return utcTime(iso, 'minute');
  }
}
