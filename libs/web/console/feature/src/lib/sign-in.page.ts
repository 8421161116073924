import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  inject,
  input,
  signal,
  viewChild,
  afterNextRender,
} from '@angular/core';
import { Router } from '@angular/router';
import { OperatorSession } from '@gtd/web-console-data-access';

const DISABLED = 'The operator API is disabled: start the server with ADMIN_TOKEN=<a long secret>';

/** `/console/sign-in`: the operator's token, checked by the API before it is kept for this tab. */
@Component({
  selector: 'gtd-console-sign-in',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <main>
      <h1 #heading tabindex="-1">Operator sign in</h1>
      @if (reasonText(); as text) {
        <p role="status">{{ text }}</p>
      }
      <form (submit)="submit($event, token.value)">
        <label for="operator-token">Operator token</label>
        <input
          #token
          id="operator-token"
          name="token"
          type="password"
          autocomplete="current-password"
          required
          [attr.aria-invalid]="error() ? 'true' : null"
          [attr.aria-describedby]="error() ? 'sign-in-error' : null"
        />
        @if (error(); as message) {
          <p id="sign-in-error" role="alert" tabindex="-1" #errorText>{{ message }}</p>
        }
        <button type="submit" [disabled]="busy()">Sign in</button>
      </form>
    </main>
  `,
})
export class ConsoleSignInPage {
  private readonly session = inject(OperatorSession);
  private readonly router = inject(Router);
  private readonly heading = viewChild.required<ElementRef<HTMLElement>>('heading');
  /** `?reason=expired|disabled`, set by the interceptor when it sends the operator here. */
  readonly reason = input<string | undefined>();
  readonly error = signal<string | null>(null);
  readonly busy = signal(false);

  constructor() {
    afterNextRender(() => this.heading().nativeElement.focus());
  }

  reasonText(): string | null {
    if (this.session.disabled() || this.reason() === 'disabled') return DISABLED;
    return this.reason() === 'expired' ? 'Your operator session ended: sign in again.' : null;
  }

  submit(event: Event, token: string): void {
    event.preventDefault();
    this.busy.set(true);
    this.error.set(null);
    this.session.signIn(token).subscribe({
      next: (result) => {
        this.busy.set(false);
        if (result === 'signed-in') {
          void this.router.navigateByUrl('/console');
          return;
        }
        this.showError(result === 'disabled' ? DISABLED : 'That token was refused');
      },
      error: () => {
        this.busy.set(false);
        this.showError('The API did not answer: try again in a moment.');
      },
    });
  }

  private showError(message: string): void {
    this.error.set(message);
    // The error is rendered on the next change detection; move focus to it then.
    setTimeout(() => document.getElementById('sign-in-error')?.focus());
  }
}
