import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NavigationEnd, Router, RouterLink, RouterOutlet } from '@angular/router';
import { BuyerSession } from '@gtd/web-data-access';
import { filter, map } from 'rxjs';

/** Header (with the buyer's account), main landmark and footer around every storefront page. */
@Component({
  selector: 'gtd-shell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RouterOutlet],
  template: `
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="site-header">
      <div class="container site-header__inner">
        <a class="brand" routerLink="/" data-testid="home-link">
          <svg class="brand__mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
            <path
              d="M4 9a3 3 0 0 1 3-3h18a3 3 0 0 1 3 3v3a4 4 0 0 0 0 8v3a3 3 0 0 1-3 3H7a3 3 0 0 1-3-3v-3a4 4 0 0 0 0-8z"
              fill="#f2c14e"
              stroke="#1c1917"
              stroke-width="2"
            />
            <path
              d="M16 11l1.6 3.3 3.6.5-2.6 2.5.6 3.6L16 19.2l-3.2 1.7.6-3.6-2.6-2.5 3.6-.5z"
              fill="#1c1917"
            />
          </svg>
          <span>Golden Ticket Drop</span>
        </a>
        <nav class="account" aria-label="Account">
          <a class="account__link" routerLink="/my-tickets" data-testid="my-tickets-link">My tickets</a>
          @if (session.buyer(); as buyer) {
            <span class="account__who">
              <span class="sr-only">Signed in as </span>
              <span class="account__email" data-testid="buyer-email" [attr.title]="buyer.email">{{
                buyer.email
              }}</span>
            </span>
            <button
              type="button"
              class="button button--secondary button--small"
              (click)="signOut()"
              data-testid="sign-out"
            >
              Sign out
            </button>
          } @else if (!onAuthPage()) {
            <a
              class="button button--secondary button--small"
              routerLink="/sign-in"
              [queryParams]="{ returnUrl: url() }"
              data-testid="sign-in-link"
              >Sign in</a
            >
          }
        </nav>
      </div>
    </header>
    <main id="main" class="container site-main" tabindex="-1">
      <router-outlet />
    </main>
    <footer class="site-footer">
      <div class="container">
        <p>Limited stock. One fair queue: first come, first served.</p>
      </div>
    </footer>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      min-height: 100vh;
    }
    .site-main {
      flex: 1;
      padding-block: 1.5rem 3rem;
    }
    .site-main:focus {
      outline: none;
    }
    .account {
      display: flex;
      align-items: center;
      gap: 0.75rem;
      margin-left: auto;
      min-width: 0;
    }
    .account__link {
      white-space: nowrap;
      font-weight: 600;
    }
    .account__who {
      min-width: 0;
    }
    .account__email {
      display: block;
      max-width: 16rem;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      font-weight: 600;
    }
    @media (max-width: 30rem) {
      .account__email {
        max-width: 8rem;
      }
    }
  `,
})
export class Shell {
  private readonly router = inject(Router);
  protected readonly session = inject(BuyerSession);

  /** The address shown now, so signing in comes back to it. */
  protected readonly url = toSignal(
    this.router.events.pipe(
      filter((event) => event instanceof NavigationEnd),
      map((event) => event.urlAfterRedirects),
    ),
    { initialValue: this.router.url },
  );

  protected readonly onAuthPage = computed(() => /^\/(sign-in|register)(\?|$)/.test(this.url()));

  protected signOut(): void {
    this.session.signOut();
  }
}
