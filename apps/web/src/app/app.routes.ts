import { Route } from '@angular/router';
import { storefrontRoutes } from '@gtd/web-storefront';

export const appRoutes: Route[] = [
  // The operator console is its own lazy chunk: buyers never download it.
  { path: 'console', loadChildren: () => import('@gtd/web-console').then((m) => m.consoleRoutes) },
  ...storefrontRoutes,
];
