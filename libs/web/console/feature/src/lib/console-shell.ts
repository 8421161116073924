import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { OperatorSession } from '@gtd/web-console-data-access';

/** The signed-in console's frame: its navigation and sign out. */
@Component({
  selector: 'gtd-console-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <header>
      <nav aria-label="Console">
        <a
          routerLink="/console"
          routerLinkActive="active"
          [routerLinkActiveOptions]="{ exact: true }"
          ariaCurrentWhenActive="page"
          >Drops</a
        >
        <a routerLink="/console/audit" routerLinkActive="active" ariaCurrentWhenActive="page">Audit log</a>
        <button type="button" (click)="signOut()">Sign out</button>
      </nav>
    </header>
    <router-outlet />
  `,
})
export class ConsoleShell {
  private readonly session = inject(OperatorSession);
  private readonly router = inject(Router);

  signOut(): void {
    this.session.signOut();
    void this.router.navigateByUrl('/console/sign-in');
  }
}
