import { ChangeDetectionStrategy, Component, input, model } from '@angular/core';
import { QUEUE_ORDERS, QueueOrder } from '@gtd/shared-contracts';
import { localTimeZone, utcEquivalent } from './drop-form.model';
import { FieldErrors } from './form-fields';
import { QueueDraft } from './waiting-room.model';

type TextField =
  | 'preQueueOpensAt'
  | 'admissionsPerMinute'
  | 'stockMultiple'
  | 'passLifetimeSeconds'
  | 'proofOfWork';

/**
 * The drop's waiting room, part of the drop form but saved through its own route
 * (`PUT /admin/products/{id}/queue`) once the drop is: its errors come back as `queue.<field>`.
 */
@Component({
  selector: 'gtd-waiting-room-fieldset',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './console-form.css',
  host: { class: 'form-part' },
  template: `
    <fieldset>
      <legend>Waiting room</legend>
      <div class="field">
        <span>
          <input
            type="checkbox"
            [id]="f().id('queue.enabled')"
            [checked]="draft().enabled"
            [attr.aria-invalid]="f().invalid('queue.enabled')"
            [attr.aria-describedby]="f().describedBy('queue.enabled', 'queue-enabled-hint')"
            (change)="flag('enabled', $event)"
          />
          <label [for]="f().id('queue.enabled')">Sell through a waiting room</label>
        </span>
        <p class="hint" id="queue-enabled-hint">
          Buyers queue for a pass before they can buy; saved after the drop itself.
        </p>
        @if (f().of('queue.enabled').length > 0) {
          <p class="error" [id]="f().errorId('queue.enabled')">
            @for (message of f().of('queue.enabled'); track $index) {
              <span>{{ message }}</span>
            }
          </p>
        }
      </div>
      @if (draft().enabled) {
        <div class="field">
          <label [for]="f().id('queue.preQueueOpensAt')">Joining opens (optional)</label>
          <input
            type="datetime-local"
            [id]="f().id('queue.preQueueOpensAt')"
            [value]="draft().preQueueOpensAt"
            [attr.aria-invalid]="f().invalid('queue.preQueueOpensAt')"
            [attr.aria-describedby]="f().describedBy('queue.preQueueOpensAt', 'queue-preQueueOpensAt-hint')"
            (input)="text('preQueueOpensAt', $event)"
          />
          <p class="hint" id="queue-preQueueOpensAt-hint">
            {{ zone }} time, no later than the opening; empty: joining is open now.
            {{ utc(draft().preQueueOpensAt) }}
          </p>
          @if (f().of('queue.preQueueOpensAt').length > 0) {
            <p class="error" [id]="f().errorId('queue.preQueueOpensAt')">
              @for (message of f().of('queue.preQueueOpensAt'); track $index) {
                <span>{{ message }}</span>
              }
            </p>
          }
        </div>
        <div class="field">
          <label [for]="f().id('queue.order')">Order of the waiting room</label>
          <select
            [id]="f().id('queue.order')"
            [attr.aria-invalid]="f().invalid('queue.order')"
            [attr.aria-describedby]="f().describedBy('queue.order')"
            (change)="order($event)"
          >
            @for (option of orders; track option) {
              <option [value]="option" [selected]="draft().order === option">
                {{ option === 'random' ? 'Random draw at the opening' : 'First come, first served' }}
              </option>
            }
          </select>
          @if (f().of('queue.order').length > 0) {
            <p class="error" [id]="f().errorId('queue.order')">
              @for (message of f().of('queue.order'); track $index) {
                <span>{{ message }}</span>
              }
            </p>
          }
        </div>
        <div class="field">
          <label [for]="f().id('queue.admissionsPerMinute')">Admissions per minute (optional)</label>
          <input
            type="number"
            min="1"
            step="1"
            [id]="f().id('queue.admissionsPerMinute')"
            [value]="draft().admissionsPerMinute"
            [attr.aria-invalid]="f().invalid('queue.admissionsPerMinute')"
            [attr.aria-describedby]="
              f().describedBy('queue.admissionsPerMinute', 'queue-admissionsPerMinute-hint')
            "
            (input)="text('admissionsPerMinute', $event)"
          />
          <p class="hint" id="queue-admissionsPerMinute-hint">Empty: automatic, from the stock left.</p>
          @if (f().of('queue.admissionsPerMinute').length > 0) {
            <p class="error" [id]="f().errorId('queue.admissionsPerMinute')">
              @for (message of f().of('queue.admissionsPerMinute'); track $index) {
                <span>{{ message }}</span>
              }
            </p>
          }
        </div>
        <div class="field">
          <label [for]="f().id('queue.stockMultiple')">Stock multiple</label>
          <input
            type="number"
            min="1"
            max="10"
            step="0.1"
            [id]="f().id('queue.stockMultiple')"
            [value]="draft().stockMultiple"
            [attr.aria-invalid]="f().invalid('queue.stockMultiple')"
            [attr.aria-describedby]="f().describedBy('queue.stockMultiple', 'queue-stockMultiple-hint')"
            (input)="text('stockMultiple', $event)"
          />
          <p class="hint" id="queue-stockMultiple-hint">
            Automatic mode keeps admitted visitors within this multiple of the units left.
          </p>
          @if (f().of('queue.stockMultiple').length > 0) {
            <p class="error" [id]="f().errorId('queue.stockMultiple')">
              @for (message of f().of('queue.stockMultiple'); track $index) {
                <span>{{ message }}</span>
              }
            </p>
          }
        </div>
        <div class="field">
          <label [for]="f().id('queue.passLifetimeSeconds')">Pass lifetime in seconds</label>
          <input
            type="number"
            min="30"
            step="1"
            [id]="f().id('queue.passLifetimeSeconds')"
            [value]="draft().passLifetimeSeconds"
            [attr.aria-invalid]="f().invalid('queue.passLifetimeSeconds')"
            [attr.aria-describedby]="f().describedBy('queue.passLifetimeSeconds')"
            (input)="text('passLifetimeSeconds', $event)"
          />
          @if (f().of('queue.passLifetimeSeconds').length > 0) {
            <p class="error" [id]="f().errorId('queue.passLifetimeSeconds')">
              @for (message of f().of('queue.passLifetimeSeconds'); track $index) {
                <span>{{ message }}</span>
              }
            </p>
          }
        </div>
        <div class="field">
          <span>
            <input
              type="checkbox"
              [id]="f().id('queue.requireSignIn')"
              [checked]="draft().requireSignIn"
              [attr.aria-invalid]="f().invalid('queue.requireSignIn')"
              [attr.aria-describedby]="f().describedBy('queue.requireSignIn')"
              (change)="flag('requireSignIn', $event)"
            />
            <label [for]="f().id('queue.requireSignIn')">Joining needs a signed-in buyer</label>
          </span>
          @if (f().of('queue.requireSignIn').length > 0) {
            <p class="error" [id]="f().errorId('queue.requireSignIn')">
              @for (message of f().of('queue.requireSignIn'); track $index) {
                <span>{{ message }}</span>
              }
            </p>
          }
        </div>
        <div class="field">
          <label [for]="f().id('queue.proofOfWork')">Proof-of-work difficulty (optional)</label>
          <input
            type="number"
            min="1000"
            step="1"
            [id]="f().id('queue.proofOfWork')"
            [value]="draft().proofOfWork"
            [attr.aria-invalid]="f().invalid('queue.proofOfWork')"
            [attr.aria-describedby]="f().describedBy('queue.proofOfWork', 'queue-proofOfWork-hint')"
            (input)="text('proofOfWork', $event)"
          />
          <p class="hint" id="queue-proofOfWork-hint">
            Empty: none. A browser needs about half this many hashes to join.
          </p>
          @if (f().of('queue.proofOfWork').length > 0) {
            <p class="error" [id]="f().errorId('queue.proofOfWork')">
              @for (message of f().of('queue.proofOfWork'); track $index) {
                <span>{{ message }}</span>
              }
            </p>
          }
        </div>
      }
    </fieldset>
  `,
})
export class WaitingRoomFieldset {
  readonly draft = model.required<QueueDraft>();
  readonly f = input.required<FieldErrors>();
  readonly orders = QUEUE_ORDERS;
  readonly zone = localTimeZone();

  utc(value: string): string {
    const text = utcEquivalent(value);
    return text ? `That is ${text}.` : '';
  }

  text(field: TextField, event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    this.draft.update((draft) => ({ ...draft, [field]: value }));
  }

  flag(field: 'enabled' | 'requireSignIn', event: Event): void {
    const checked = (event.target as HTMLInputElement).checked;
    this.draft.update((draft) => ({ ...draft, [field]: checked }));
  }

  order(event: Event): void {
    const value = (event.target as HTMLSelectElement).value as QueueOrder;
    this.draft.update((draft) => ({ ...draft, order: value }));
  }
}
