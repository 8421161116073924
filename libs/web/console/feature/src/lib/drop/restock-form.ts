import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  inject,
  Injector,
  input,
  output,
  signal,
} from '@angular/core';
import { AdminProduct, RestockRequest } from '@gtd/shared-contracts';
import { AdminClient } from '@gtd/web-console-data-access';
import { refusalText } from './problem-text';
import { previewSentence, readWholeNumber, restockPreview, StockFigures } from './restock';

type Step = 'editing' | 'confirming' | 'sending';

/**
 * Restock a drop in two steps: the operator enters add/set and a quantity, then confirms a preview
 * of every figure before → after; only then is it sent. The API's field errors come back to the
 * fields they name.
 */
@Component({
  selector: 'gtd-restock-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    fieldset {
      display: grid;
      gap: 0.5rem;
      justify-items: start;
      max-width: 32rem;
      margin: 0 0 1rem;
    }
    label {
      display: flex;
      gap: 0.5rem;
      align-items: center;
    }
    .restock-form__quantity {
      margin-top: 0.5rem;
    }
    .restock-confirm {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: center;
    }
    .restock-confirm p {
      flex-basis: 100%;
      margin: 0;
      font-weight: 600;
    }
  `,
  template: `
    <form (submit)="submit($event, quantity.value)" novalidate data-testid="restock-form">
      <fieldset [disabled]="step() !== 'editing'">
        <legend>Restock mode</legend>
        <label>
          <input
            type="radio"
            name="restock-mode"
            value="add"
            [checked]="mode() === 'add'"
            (change)="mode.set('add')"
          />
          Add units to the stock
        </label>
        <label>
          <input
            type="radio"
            name="restock-mode"
            value="set"
            [checked]="mode() === 'set'"
            (change)="mode.set('set')"
          />
          Set what is available
        </label>
        @if (errors()['mode']; as message) {
          <p class="field__error" id="restock-mode-error" data-testid="restock-mode-error">{{ message }}</p>
        }
        <label for="restock-quantity" class="restock-form__quantity">Quantity</label>
        <input
          #quantity
          id="restock-quantity"
          name="quantity"
          type="number"
          inputmode="numeric"
          min="0"
          step="1"
          required
          data-testid="restock-quantity"
          [attr.aria-invalid]="errors()['quantity'] ? 'true' : null"
          [attr.aria-describedby]="errors()['quantity'] ? 'restock-quantity-error' : null"
        />
        @if (errors()['quantity']; as message) {
          <p class="field__error" id="restock-quantity-error" data-testid="restock-quantity-error">
            {{ message }}
          </p>
        }
        <button type="submit" class="button button--secondary">Review restock</button>
      </fieldset>
    </form>
    @if (general(); as message) {
      <p role="alert" class="field__error" data-testid="restock-error">{{ message }}</p>
    }
    @if (step() !== 'editing') {
      <div class="restock-confirm" data-testid="restock-confirm">
        <p id="restock-preview" data-testid="restock-preview">{{ preview() }}</p>
        <button
          type="button"
          class="button button--primary"
          data-testid="restock-confirm-button"
          aria-describedby="restock-preview"
          [disabled]="step() === 'sending'"
          (click)="confirm()"
        >
          Confirm restock
        </button>
        <button
          type="button"
          class="button button--secondary"
          [disabled]="step() === 'sending'"
          (click)="back()"
        >
          Change
        </button>
      </div>
    }
  `,
})
export class RestockForm {
  readonly productId = input.required<number>();
  /** The figures as the page last read them: the preview's "before". */
  readonly figures = input.required<StockFigures>();
  /** The server's answer to a sent restock. */
  readonly restocked = output<AdminProduct>();
  /** A sentence for the page's live region. */
  readonly announce = output<string>();

  private readonly admin = inject(AdminClient);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  readonly mode = signal<RestockRequest['mode']>('add');
  readonly step = signal<Step>('editing');
  readonly preview = signal('');
  readonly errors = signal<Readonly<Record<string, string>>>({});
  readonly general = signal<string | null>(null);
  private pending: RestockRequest | null = null;

  submit(event: Event, quantityText: string): void {
    event.preventDefault();
    this.general.set(null);
    // The last action's result no longer describes what is on screen.
    this.announce.emit('');
    const quantity = readWholeNumber(quantityText);
    if (quantity === null) {
      this.errors.set({ quantity: 'Enter a whole number of units, 0 or more.' });
      this.focus('#restock-quantity');
      return;
    }
    this.errors.set({});
    this.pending = { mode: this.mode(), quantity };
    this.preview.set(previewSentence(restockPreview(this.figures(), this.pending)));
    this.step.set('confirming');
    this.focus('[data-testid="restock-confirm-button"]');
  }

  back(): void {
    this.pending = null;
    this.step.set('editing');
    this.focus('#restock-quantity');
  }

  confirm(): void {
    const request = this.pending;
    if (!request || this.step() !== 'confirming') return;
    this.step.set('sending');
    this.admin.restock(this.productId(), request).subscribe({
      next: (product) => {
        this.pending = null;
        this.step.set('editing');
        this.restocked.emit(product);
        this.announce.emit(`Restocked: available ${product.available}, stock ${product.stock}.`);
        this.focus('#restock-quantity');
      },
      error: (error: unknown) => {
        const refusal = refusalText(error);
        this.step.set('editing');
        this.errors.set(refusal.fields);
        // A field the form does not have (or none) still has to be read somewhere.
        const unshown = Object.entries(refusal.fields)
          .filter(([field]) => field !== 'quantity' && field !== 'mode')
          .map(([field, message]) => `${field}: ${message}`);
        this.general.set([refusal.general, ...unshown].filter(Boolean).join(' ') || null);
        this.announce.emit('The restock was refused.');
        this.focus(refusal.fields['mode'] ? 'input[name="restock-mode"]' : '#restock-quantity');
      },
    });
  }

  /** Focus follows the step, once the element it goes to is rendered. */
  private focus(selector: string): void {
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>(selector)?.focus(), {
      injector: this.injector,
    });
  }
}
