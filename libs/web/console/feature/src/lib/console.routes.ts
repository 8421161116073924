import { provideHttpClient, withInterceptors, withRequestsMadeViaParent } from '@angular/common/http';
import { Route } from '@angular/router';
import { AdminClient, operatorTokenInterceptor } from '@gtd/web-console-data-access';
import { ConsoleAuditPage } from './audit.page';
import { ConsoleShell } from './console-shell';
import { operatorSignedIn } from './console.guard';
import { ConsoleDropPage } from './drop/drop.page';
import { ConsoleDropFormPage } from './drop-form.page';
import { ConsoleDropsPage } from './drops.page';
import { ConsoleSignInPage } from './sign-in.page';

/**
 * The operator console under `/console`, loaded lazily so buyers never download it. Its own
 * HttpClient adds the operator's bearer (to `/admin/…` only) and then hands each request to the
 * app's (one backend, and tests answer it with HttpTestingController); the storefront's client
 * is untouched, and its buyer interceptor leaves `/admin/…` alone.
 */
export const consoleRoutes: Route[] = [
  {
    path: '',
    providers: [
      provideHttpClient(withInterceptors([operatorTokenInterceptor]), withRequestsMadeViaParent()),
      AdminClient,
    ],
    children: [
      { path: 'sign-in', component: ConsoleSignInPage, title: 'Operator sign in · Golden Ticket Drop' },
      {
        path: '',
        component: ConsoleShell,
        canActivate: [operatorSignedIn],
        children: [
          { path: '', component: ConsoleDropsPage, title: 'Drops · Console · Golden Ticket Drop' },
          // Before `drops/:id`, which would otherwise take `new` for an id.
          {
            path: 'drops/new',
            component: ConsoleDropFormPage,
            title: 'New drop · Console · Golden Ticket Drop',
          },
          {
            path: 'drops/:id/edit',
            component: ConsoleDropFormPage,
            title: 'Edit drop · Console · Golden Ticket Drop',
          },
          { path: 'audit', component: ConsoleAuditPage, title: 'Audit log · Console · Golden Ticket Drop' },
          // After every literal path under drops/: `:id` would take `new` for an id.
          { path: 'drops/:id', component: ConsoleDropPage, title: 'Drop · Console · Golden Ticket Drop' },
        ],
      },
    ],
  },
];
