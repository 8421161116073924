import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';

/** A clear dead end with a way back, for unknown routes and unknown drops. */
@Component({
  selector: 'gtd-not-found',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <section class="panel not-found" data-testid="not-found" aria-labelledby="not-found-title">
      <p class="eyebrow">404</p>
      <h1 id="not-found-title">{{ heading() }}</h1>
      <p class="lead">{{ message() }}</p>
      <a class="button button--primary" routerLink="/" data-testid="back-to-drops">See all drops</a>
    </section>
  `,
  styles: `
    .not-found {
      max-width: 36rem;
      margin: 3rem auto;
      text-align: center;
    }
  `,
})
export class NotFound {
  readonly heading = input('Page not found');
  readonly message = input('There is nothing at this address. The drop you are looking for may have moved.');
}
