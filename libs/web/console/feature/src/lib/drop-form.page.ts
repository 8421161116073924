import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  ElementRef,
  inject,
  Injector,
  input,
  OnInit,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { HttpErrorResponse } from '@angular/common/http';
import { Router, RouterLink } from '@angular/router';
import { AdminClient } from '@gtd/web-console-data-access';
import { AdminProduct, FieldError, QueueSettings } from '@gtd/shared-contracts';
import { catchError, forkJoin, map, Observable, of, switchMap, throwError } from 'rxjs';
import {
  byField,
  changedFields,
  createBody,
  DropDraft,
  DropField,
  draftOf,
  EMPTY_DRAFT,
  localTimeZone,
  problemErrors,
  readDraft,
  utcEquivalent,
} from './drop-form.model';
import { FieldErrors, summaryLines, SummaryLine } from './form-fields';
import { WaitingRoomFieldset } from './waiting-room-fieldset';
import {
  QUEUE_DEFAULTS,
  QUEUE_FIELD,
  QueueDraft,
  queueChanged,
  queueDraftOf,
  readQueue,
} from './waiting-room.model';

type Load = 'loading' | 'ready' | 'missing' | 'failed';

/** A failure of the waiting room's save, after the drop itself was saved. */
class QueueSaveFailed {
  constructor(readonly cause: unknown) {}
}

/**
 * `/console/drops/new` and `/console/drops/:id/edit`: the drop's fields, schedule and waiting room.
 * The API's rules stay the API's: its 400 `errors` are shown at their fields; the form itself
 * checks only what it must to build the request (an amount, a whole number, a date).
 */
@Component({
  selector: 'gtd-console-drop-form',
  imports: [RouterLink, WaitingRoomFieldset],
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './console-form.css',
  templateUrl: './drop-form.page.html',
})
export class ConsoleDropFormPage implements OnInit {
  private readonly admin = inject(AdminClient);
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  private readonly destroyRef = inject(DestroyRef);
  private readonly heading = viewChild.required<ElementRef<HTMLElement>>('heading');
  private readonly summaryBox = viewChild<ElementRef<HTMLElement>>('summaryBox');

  /** The route's `:id`; absent on `drops/new`. */
  readonly id = input<string | undefined>();
  readonly zone = localTimeZone();
  readonly scheduleFields: { key: DropField & ('startsAt' | 'endsAt'); label: string }[] = [
    { key: 'startsAt', label: 'Opens (optional)' },
    { key: 'endsAt', label: 'Closes (optional)' },
  ];

  readonly load = signal<Load>('ready');
  readonly draft = signal<DropDraft>(EMPTY_DRAFT);
  readonly queue = signal<QueueDraft>(queueDraftOf(QUEUE_DEFAULTS));
  /** The drop as saved: loaded for an edit, or created by this form (a retry then edits it). */
  readonly baseline = signal<AdminProduct | null>(null);
  /** The waiting room as saved; `null` when it could not be loaded (its fieldset is then left out). */
  readonly queueBaseline = signal<QueueSettings | null>(QUEUE_DEFAULTS);
  readonly errors = signal<FieldError[]>([]);
  readonly busy = signal(false);
  readonly status = signal('');
  readonly editing = computed(() => this.id() !== undefined);
  readonly f = new FieldErrors(() => byField(this.errors()));
  readonly summary = computed<SummaryLine[]>(() => summaryLines(this.errors(), (field) => this.shown(field)));

  constructor() {
    afterNextRender(() => this.heading().nativeElement.focus());
  }

  ngOnInit(): void {
    const raw = this.id();
    if (raw === undefined) return;
    const id = Number(raw);
    if (!Number.isSafeInteger(id) || id < 1) {
      this.load.set('missing');
      return;
    }
    this.load.set('loading');
    forkJoin([
      this.admin.getProduct(id),
      this.admin.getQueue(id).pipe(
        map((queue) => queue.settings),
        catchError(() => of(null)),
      ),
    ])
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: ([product, settings]) => {
          this.baseline.set(product);
          this.draft.set(draftOf(product));
          this.queueBaseline.set(settings);
          if (settings) this.queue.set(queueDraftOf(settings));
          this.load.set('ready');
        },
        error: (error: unknown) =>
          this.load.set(error instanceof HttpErrorResponse && error.status === 404 ? 'missing' : 'failed'),
      });
  }

  edit(field: DropField, event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    this.draft.update((draft) => ({ ...draft, [field]: value }));
  }

  utc(value: string): string {
    const text = utcEquivalent(value);
    return text ? `That is ${text}.` : '';
  }

  /** The summary's links move focus to their field (a plain `#id` jump would not focus it). */
  goTo(event: Event, target: string): void {
    event.preventDefault();
    document.getElementById(target)?.focus();
  }

  submit(event: Event): void {
    event.preventDefault();
    if (this.busy()) return;
    const saved = this.baseline();
    const drop = readDraft(this.draft(), saved === null);
    const queueBaseline = this.queueBaseline();
    const queue = readQueue(this.queue());
    const withQueue = queueBaseline !== null && queueChanged(queueBaseline, queue.settings);
    const problems = [...drop.errors, ...(withQueue ? queue.errors : [])];
    if (problems.length > 0) {
      this.fail(problems, '');
      return;
    }
    let product$: Observable<AdminProduct>;
    if (saved === null) {
      product$ = this.admin.createProduct(createBody(drop.request));
    } else {
      const change = changedFields(saved, drop.request);
      product$ = Object.keys(change).length > 0 ? this.admin.updateProduct(saved.id, change) : of(saved);
      if (Object.keys(change).length === 0 && !withQueue) {
        this.errors.set([]);
        this.status.set('Nothing changed: there is nothing to save.');
        return;
      }
    }
    this.busy.set(true);
    this.errors.set([]);
    this.status.set('Saving the drop…');
    product$
      .pipe(
        switchMap((product) => {
          this.baseline.set(product);
          if (!withQueue) return of(product);
          return this.admin.putQueue(product.id, queue.settings).pipe(
            map((answer) => {
              this.queueBaseline.set(answer.settings);
              return product;
            }),
            catchError((error: unknown) => throwError(() => new QueueSaveFailed(error))),
          );
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (product) => {
          this.busy.set(false);
          this.status.set(`Saved ${product.name}.`);
          void this.router.navigate(['/console/drops', product.id]);
        },
        error: (error: unknown) => {
          this.busy.set(false);
          if (error instanceof QueueSaveFailed) {
            const created = !this.editing();
            this.fail(
              problemErrors(error.cause, QUEUE_FIELD) ?? [
                { field: '(queue)', messages: [this.unexpected(error.cause)] },
              ],
              created
                ? 'The drop was created, but its waiting room was not saved: correct it and save again.'
                : 'The drop was saved, but its waiting room was not.',
            );
            return;
          }
          this.fail(problemErrors(error) ?? [{ field: '(form)', messages: [this.unexpected(error)] }], '');
        },
      });
  }

  /** Whether the field has an input on the form now (otherwise its error is listed without a link). */
  private shown(field: string): boolean {
    if (field === 'stock') return this.baseline() === null;
    if (field.startsWith(QUEUE_FIELD)) {
      return this.queueBaseline() !== null && (field === `${QUEUE_FIELD}enabled` || this.queue().enabled);
    }
    return field in EMPTY_DRAFT;
  }

  private unexpected(error: unknown): string {
    const detail =
      error instanceof HttpErrorResponse ? (error.error as { detail?: unknown } | null)?.detail : null;
    if (typeof detail === 'string' && detail !== '') return `The API refused it: ${detail}`;
    return 'The API did not answer: try again in a moment.';
  }

  private fail(errors: FieldError[], status: string): void {
    this.errors.set(errors);
    this.status.set(status);
    afterNextRender(() => this.summaryBox()?.nativeElement.focus(), { injector: this.injector });
  }
}
