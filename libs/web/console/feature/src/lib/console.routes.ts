import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { Route } from '@angular/router';
import { AdminClient, operatorTokenInterceptor } from '@gtd/web-console-data-access';
import { ConsoleShell } from './console-shell';
import { operatorSignedIn } from './console.guard';
import { ConsoleDropPage } from './drop/drop.page';
import { ConsoleDropsPage } from './drops.page';
import { ConsoleSignInPage } from './sign-in.page';

/**
 * The operator console under `/console`, loaded lazily so buyers never download it. Its own
 * HttpClient carries the operator's bearer (to `/admin/…` only); the storefront's is untouched.
 */
export const consoleRoutes: Route[] = [
  {
    path: '',
    providers: [provideHttpClient(withFetch(), withInterceptors([operatorTokenInterceptor])), AdminClient],
    children: [
      { path: 'sign-in', component: ConsoleSignInPage, title: 'Operator sign in · Golden Ticket Drop' },
      {
        path: '',
        component: ConsoleShell,
        canActivate: [operatorSignedIn],
        children: [
          { path: '', component: ConsoleDropsPage, title: 'Drops · Console · Golden Ticket Drop' },
          // Keep last: `drops/:id` would also match the literal paths under drops/ listed before it.
          { path: 'drops/:id', component: ConsoleDropPage, title: 'Drop · Console · Golden Ticket Drop' },
        ],
      },
    ],
  },
];
