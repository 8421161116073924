import { CatalogEntry } from '@gtd/testing';

/** The drop the storefront specs sell; a spec changes its stock where it needs another. */
export const GOLDEN_TICKET: CatalogEntry = {
  id: 1,
  name: 'Golden Ticket',
  description: 'A guided tour of the chocolate factory and a lifetime supply of its finest bars.',
  price: 5000,
  currency: 'EUR',
  stock: 100,
};
