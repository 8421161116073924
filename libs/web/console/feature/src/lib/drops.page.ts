import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterNextRender,
  inject,
  viewChild,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import { AdminClient } from '@gtd/web-console-data-access';
import { AdminProduct } from '@gtd/shared-contracts';
import { catchError, map, of } from 'rxjs';

type DropsView = { kind: 'loading' } | { kind: 'ready'; drops: AdminProduct[] } | { kind: 'failed' };

const LOCAL = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const UTC = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

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
  private readonly heading = viewChild.required<ElementRef<HTMLElement>>('heading');
  readonly view = toSignal(
    inject(AdminClient)
      .listProducts()
      .pipe(
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

  local(iso: string): string {
    return LOCAL.format(new Date(iso));
  }

  utc(iso: string): string {
    return `${UTC.format(new Date(iso))} UTC`;
  }
}
