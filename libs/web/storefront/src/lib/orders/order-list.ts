import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { InstantPipe, MoneyPipe } from '@gtd/web-ui';
import type { OrderRow } from './order-rows';

/** Orders as My tickets lists them, each leading to its receipt. */
@Component({
  selector: 'gtd-order-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [InstantPipe, MoneyPipe, RouterLink],
  template: `
    <ul class="order-list">
      @for (row of rows(); track row.orderId) {
        <li class="order-row" data-testid="order-row" [attr.data-order-id]="row.orderId">
          <a class="order-row__name" [routerLink]="['/receipts', row.orderId]" data-testid="order-link">{{
            row.productName
          }}</a>
          <span data-testid="order-quantity"
            ><span class="sr-only">Quantity: </span>{{ row.quantity }} ×</span
          >
          @if (row.price; as price) {
            <span
              ><span class="sr-only">Unit price: </span>{{ price.unit | money: price.currency }} each</span
            >
            <span data-testid="order-total"
              ><span class="sr-only">Total paid: </span>{{ price.total | money: price.currency }} paid</span
            >
          }
          <time [attr.datetime]="row.at">{{ row.at | instant }}</time>
          <span data-testid="order-state">{{ STATE_TEXT[row.state] }}</span>
        </li>
      }
    </ul>
  `,
  styles: `
    .order-list {
      display: grid;
      gap: 0.75rem;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    .order-row {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 1.25rem;
      align-items: baseline;
      padding: 0.75rem 1rem;
      border: 1px solid currentColor;
      border-radius: var(--radius);
      min-width: 0;
    }
    .order-row__name {
      flex-basis: 100%;
      font-weight: 700;
      overflow-wrap: anywhere;
    }
  `,
})
export class OrderList {
  readonly rows = input.required<readonly OrderRow[]>();
  protected readonly STATE_TEXT: Record<OrderRow['state'], string> = {
    confirmed: 'Confirmed',
    cancelled: 'Cancelled by the organiser',
    unknown: 'Not found by the store',
  };
}
