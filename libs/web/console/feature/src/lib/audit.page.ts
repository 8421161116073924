import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  ElementRef,
  inject,
  Injector,
  input,
  LOCALE_ID,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed, toObservable, toSignal } from '@angular/core/rxjs-interop';
import { Router, RouterLink } from '@angular/router';
import { localTime, utcTime } from './console-time';
import { AdminClient } from '@gtd/web-console-data-access';
import { AdminProduct, AuditEntry } from '@gtd/shared-contracts';
import { catchError, map, of, startWith, switchMap } from 'rxjs';
import { actionLabel, AUDIT_ACTIONS, auditDetails } from './audit-details';

/** Entries a page; one more is asked for, so "Older entries" shows only when there are some. */
export const AUDIT_PAGE_SIZE = 50;

type AuditView =
  | { kind: 'loading' }
  | { kind: 'ready'; entries: AuditEntry[]; older: string | null }
  | { kind: 'failed' };

const positive = (value: string | undefined): number | undefined => {
  const n = Number(value);
  return value !== undefined && Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/**
 * `/console/audit?productId=&action=&before=`: who changed what, newest first. The filters and the
 * page live in the URL, so a filtered view can be reloaded, shared and gone back to.
 */
@Component({
  selector: 'gtd-console-audit',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './console-form.css',
  template: `
    <main>
      <h1 #heading tabindex="-1">Audit log</h1>
      <form class="filters" (submit)="apply($event, productSelect.value, actionSelect.value)">
        <div class="field">
          <label for="audit-product">Drop</label>
          <select id="audit-product" #productSelect>
            <option value="" [selected]="filterProduct() === undefined">Every drop</option>
            @for (drop of drops(); track drop.id) {
              <option [value]="drop.id" [selected]="filterProduct() === drop.id">
                {{ drop.name }} (#{{ drop.id }})
              </option>
            }
          </select>
        </div>
        <div class="field">
          <label for="audit-action">Action</label>
          <select id="audit-action" #actionSelect>
            <option value="" [selected]="!action()">Every action</option>
            @for (option of actions; track option.value) {
              <option [value]="option.value" [selected]="action() === option.value">
                {{ option.label }}
              </option>
            }
          </select>
        </div>
        <button type="submit" class="button button--secondary">Show</button>
      </form>
      <p role="status" class="status" data-testid="audit-status">{{ statusText() }}</p>
      @switch (view().kind) {
        @case ('failed') {
          <p role="alert">The audit log could not be loaded.</p>
        }
        @case ('ready') {
          @if (entries().length > 0) {
            <table #table tabindex="-1">
              <caption>
                Operator changes, newest first
              </caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Drop</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                @for (entry of entries(); track entry.id) {
                  <tr>
                    <td>
                      <time [attr.datetime]="entry.at" [title]="utc(entry.at)">{{ local(entry.at) }}</time>
                    </td>
                    <td>{{ entry.actor }}</td>
                    <td>{{ label(entry.action) }}</td>
                    <td>
                      @if (entry.productId !== null) {
                        <a [routerLink]="['/console/drops', entry.productId]">{{
                          dropName(entry.productId)
                        }}</a>
                      } @else {
                        —
                      }
                    </td>
                    <td>{{ details(entry) }}</td>
                  </tr>
                }
              </tbody>
            </table>
          }
        }
      }
      <nav aria-label="Audit log pages" class="pages">
        @if (before()) {
          <a
            routerLink="/console/audit"
            [queryParams]="{ before: null }"
            queryParamsHandling="merge"
            (click)="paging()"
            >Newest entries</a
          >
        }
        @if (older(); as last) {
          <a
            routerLink="/console/audit"
            [queryParams]="{ before: last }"
            queryParamsHandling="merge"
            (click)="paging()"
            >Older entries</a
          >
        }
      </nav>
    </main>
  `,
})
export class ConsoleAuditPage {
  private readonly admin = inject(AdminClient);
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  private readonly locale = inject(LOCALE_ID);
  private readonly heading = viewChild.required<ElementRef<HTMLElement>>('heading');
  private readonly table = viewChild<ElementRef<HTMLElement>>('table');

  /** Query parameters, bound by the router. */
  readonly productId = input<string | undefined>();
  readonly action = input<string | undefined>();
  readonly before = input<string | undefined>();

  readonly actions = AUDIT_ACTIONS;
  readonly filterProduct = computed(() => positive(this.productId()));
  readonly drops = toSignal(this.admin.listProducts().pipe(catchError(() => of<AdminProduct[]>([]))), {
    initialValue: [] as AdminProduct[],
  });
  readonly view = signal<AuditView>({ kind: 'loading' });
  readonly entries = computed(() => {
    const view = this.view();
    return view.kind === 'ready' ? view.entries : [];
  });
  readonly older = computed(() => {
    const view = this.view();
    return view.kind === 'ready' ? view.older : null;
  });
  readonly statusText = computed(() => {
    const view = this.view();
    if (view.kind === 'loading') return 'Loading the audit log…';
    if (view.kind === 'failed') return '';
    const n = view.entries.length;
    if (n === 0) return this.before() ? 'No older entries.' : 'No entries match.';
    return `${n} ${n === 1 ? 'entry' : 'entries'}${this.before() ? ', older ones' : ''}, newest first.`;
  });
  private focusTable = false;

  constructor() {
    afterNextRender(() => this.heading().nativeElement.focus());
    const query = computed(() => ({
      productId: this.filterProduct(),
      action: this.action() || undefined,
      before: this.before() || undefined,
    }));
    toObservable(query)
      .pipe(
        switchMap((q) =>
          this.admin.auditLog({ ...q, limit: AUDIT_PAGE_SIZE + 1 }).pipe(
            map((page): AuditView => {
              const entries = page.slice(0, AUDIT_PAGE_SIZE);
              const older = page.length > AUDIT_PAGE_SIZE ? entries[entries.length - 1].id : null;
              return { kind: 'ready', entries, older };
            }),
            catchError(() => of<AuditView>({ kind: 'failed' })),
            startWith<AuditView>({ kind: 'loading' }),
          ),
        ),
        takeUntilDestroyed(),
      )
      .subscribe((view) => {
        this.view.set(view);
        if (view.kind !== 'loading' && this.focusTable) {
          this.focusTable = false;
          // The link followed may be gone on the new page: focus goes to what it led to.
          afterNextRender(() => (this.table() ?? this.heading()).nativeElement.focus(), {
            injector: this.injector,
          });
        }
      });
  }

  /** A new filter starts again from the newest entry. */
  apply(event: Event, productId: string, action: string): void {
    event.preventDefault();
    void this.router.navigate(['/console/audit'], {
      queryParams: { productId: productId || null, action: action || null, before: null },
    });
  }

  paging(): void {
    this.focusTable = true;
  }

  local(iso: string): string {
    return localTime(iso);
  }

  utc(iso: string): string {
    return utcTime(iso);
  }

  label(action: string): string {
    return actionLabel(action);
  }

  dropName(id: number): string {
    return this.drops().find((d) => d.id === id)?.name ?? `Drop #${id}`;
  }

  details(entry: AuditEntry): string {
    return auditDetails(entry, this.locale, (id) => this.drops().find((d) => d.id === id)?.currency ?? null);
  }
}
