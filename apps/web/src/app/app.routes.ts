import { Route } from '@angular/router';
import { storefrontRoutes } from '@gtd/web-storefront';

export const appRoutes: Route[] = [...storefrontRoutes];
