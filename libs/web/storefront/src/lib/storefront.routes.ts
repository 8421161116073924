import { Routes } from '@angular/router';
import { Catalogue } from './catalogue/catalogue';
import { DropPage } from './drop/drop-page';
import { NotFound } from './not-found/not-found';
import { Shell } from './shell/shell';

/**
 * The storefront's pages. `/drops/:id` binds `id` to an input, so the app must provide the router
 * `withComponentInputBinding()`.
 */
export const storefrontRoutes: Routes = [
  {
    path: '',
    component: Shell,
    children: [
      { path: '', component: Catalogue, title: 'Golden Ticket Drop' },
      {
        path: 'drops/:id',
        component: DropPage,
        title: 'Drop · Golden Ticket Drop',
      },
      {
        path: '**',
        component: NotFound,
        title: 'Page not found · Golden Ticket Drop',
      },
    ],
  },
];
