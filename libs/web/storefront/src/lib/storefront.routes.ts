import { Routes } from '@angular/router';
import { SignInPage } from './auth/sign-in-page';
import { Catalogue } from './catalogue/catalogue';
import { DropPage } from './drop-page/drop-page';
import { NotFoundPage } from './not-found/not-found-page';
import { MyTicketsPage } from './orders/my-tickets-page';
import { ReceiptPage } from './orders/receipt-page';
import { Shell } from './shell/shell';

/**
 * The storefront's pages. `/drops/:id` binds `id`, `/receipts/:orderId` binds `orderId`, and `/sign-in` / `/register` bind `mode` (route
 * data) and `returnUrl` (query) to inputs, so the app must provide the router
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
        path: 'receipts/:orderId',
        component: ReceiptPage,
        title: 'Your ticket · Golden Ticket Drop',
      },
      {
        path: 'my-tickets',
        component: MyTicketsPage,
        title: 'My tickets · Golden Ticket Drop',
      },
      {
        path: 'sign-in',
        component: SignInPage,
        data: { mode: 'sign-in' },
        title: 'Sign in · Golden Ticket Drop',
      },
      {
        path: 'register',
        component: SignInPage,
        data: { mode: 'register' },
        title: 'Create an account · Golden Ticket Drop',
      },
      {
        path: '**',
        component: NotFoundPage,
        title: 'Page not found · Golden Ticket Drop',
      },
    ],
  },
];
