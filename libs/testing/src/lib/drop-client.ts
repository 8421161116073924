import {
  ApiRoutes,
  AuthSession,
  Inventory,
  Order,
  ProblemDetails,
  Product,
  PurchaseResult,
} from '@gtd/shared-contracts';
import { fireConcurrently, Reply, RequestSpec, send } from './http';

/** A `POST /buy` answer: a purchase result (201) or a problem (4xx). */
export type BuyBody = Partial<PurchaseResult> & Partial<Omit<ProblemDetails, 'productId'>>;

export const buyRequest = (productId: number, quantity: number): RequestSpec => ({
  method: 'POST',
  path: ApiRoutes.buy,
  json: { productId, quantity },
});

/** `spec` sent as the buyer of `session` (`Authorization: Bearer …`). */
export const asBuyer = (spec: RequestSpec, session: Pick<AuthSession, 'accessToken'>): RequestSpec => ({
  ...spec,
  headers: { ...spec.headers, authorization: `Bearer ${session.accessToken}` },
});

/** `POST /auth/register`; the reply, whatever it is. */
export const register = (baseUrl: string, email: string, password = 'correct horse battery') =>
  send<AuthSession>(baseUrl, { method: 'POST', path: ApiRoutes.register, json: { email, password } });

/** What the API says is left of a product; fails unless it answers 200. */
export async function availableOf(baseUrl: string, productId: number): Promise<number> {
  const reply = await send<Inventory>(baseUrl, { path: ApiRoutes.inventory(productId) });
  if (reply.status !== 200) {
    throw new Error(`GET ${ApiRoutes.inventory(productId)} answered ${reply.status}: ${reply.text}`);
  }
  return reply.body.available;
}

export async function listProducts(baseUrl: string): Promise<Product[]> {
  const reply = await send<Product[]>(baseUrl, { path: ApiRoutes.products });
  if (reply.status !== 200) {
    throw new Error(`GET ${ApiRoutes.products} answered ${reply.status}: ${reply.text}`);
  }
  return reply.body;
}

/** `{ productId: available }` for every product. */
export async function stockSnapshot(baseUrl: string): Promise<Record<number, number>> {
  const products = await listProducts(baseUrl);
  return Object.fromEntries(products.map((p) => [p.id, p.available]));
}

/** Looks every order up at once; replies come back in the order of `orderIds`. */
export async function fetchOrders(baseUrl: string, orderIds: readonly string[]): Promise<Reply<Order>[]> {
  const { replies } = await fireConcurrently<Order>(
    baseUrl,
    orderIds.map((id) => ({ path: ApiRoutes.order(id) })),
    64,
  );
  return replies;
}
