import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  input,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { AuthClient, AuthOutcome, BuyerSession } from '@gtd/web-data-access';

/** The API's password rule (PASSWORD_MIN_LENGTH in the buyers lib), checked here first to save a round trip. */
export const PASSWORD_MIN_LENGTH = 8;

export type SignInMode = 'sign-in' | 'register';

/**
 * Where to go after signing in: an address inside the storefront, else the catalogue. Only
 * root-relative paths pass, so a crafted link cannot send the buyer to another site
 * (`//evil.example`, `/\\evil.example`, `https://…`).
 */
export function safeReturnUrl(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) {
    return '/';
  }
  return raw;
}

interface FormFeedback {
  readonly title: string;
  readonly detail: string;
  /** Register found the email taken: offer sign-in instead. */
  readonly offerSignIn?: boolean;
}

function describeAuthOutcome(outcome: Exclude<AuthOutcome, { kind: 'signed-in' }>): FormFeedback {
  switch (outcome.kind) {
    case 'email-taken':
      return {
        title: 'That email already has an account',
        detail: 'Sign in with it instead, or use another email.',
        offerSignIn: true,
      };
    case 'invalid-credentials':
      return { title: 'Email or password is wrong', detail: 'Check both and try again.' };
    case 'invalid': {
      const reasons = outcome.errors.flatMap((e) => e.messages);
      return {
        title: 'Please check the form',
        detail:
          reasons.length > 0 ? `${reasons.join('; ')}.` : (outcome.detail ?? 'Something was not valid.'),
      };
    }
    case 'rate-limited':
      return {
        title: 'Too many attempts',
        detail:
          outcome.retryAfterSeconds === null
            ? 'Please wait a moment and try again.'
            : `Please wait ${outcome.retryAfterSeconds} seconds and try again.`,
      };
    case 'network':
      return { title: 'Could not reach the store', detail: 'Check your connection and try again.' };
    case 'failed':
      return {
        title: 'That did not work',
        detail: outcome.detail ?? `The store answered with status ${outcome.status}. Please try again.`,
      };
  }
}

/** `/sign-in` and `/register`: email and password, then back to where the buyer came from. */
@Component({
  selector: 'gtd-sign-in-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink],
  templateUrl: './sign-in-page.html',
  styleUrl: './sign-in-page.css',
})
export class SignInPage {
  /** From the route's data. */
  readonly mode = input<SignInMode>('sign-in');
  /** `?returnUrl=` (bound by `withComponentInputBinding()`). */
  readonly returnUrl = input<string | undefined>(undefined);

  private readonly auth = inject(AuthClient);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);
  protected readonly session = inject(BuyerSession);

  protected readonly registering = computed(() => this.mode() === 'register');
  protected readonly target = computed(() => safeReturnUrl(this.returnUrl()));
  protected readonly passwordMinLength = PASSWORD_MIN_LENGTH;

  protected readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email, Validators.maxLength(254)]],
    password: ['', [Validators.required, Validators.maxLength(128)]],
  });

  protected readonly pending = signal(false);
  protected readonly feedback = signal<FormFeedback | null>(null);
  /** Field errors are shown once the buyer tried to submit (not while typing the first letters). */
  protected readonly submitted = signal(false);

  protected fieldInvalid(name: 'email' | 'password'): boolean {
    const control = this.form.controls[name];
    return control.invalid && (this.submitted() || control.touched);
  }

  protected passwordTooShort(): boolean {
    return this.registering() && this.form.controls.password.value.length < PASSWORD_MIN_LENGTH;
  }

  protected submit(): void {
    this.submitted.set(true);
    if (this.form.invalid || this.passwordTooShort() || this.pending()) {
      return;
    }
    const credentials = this.form.getRawValue();
    this.pending.set(true);
    this.feedback.set(null);
    const call$ = this.registering() ? this.auth.register(credentials) : this.auth.signIn(credentials);
    call$.pipe(takeUntilDestroyed(this.destroyRef)).subscribe((outcome) => {
      this.pending.set(false);
      if (outcome.kind === 'signed-in') {
        void this.router.navigateByUrl(this.target());
      } else {
        this.feedback.set(describeAuthOutcome(outcome));
      }
    });
  }

  protected signOut(): void {
    this.session.signOut();
  }
}
