// The bench's floor: the least a NestJS 11 app can do to answer the drop's three routes, on the HTTP
// adapter the product runs (FLOOR_ADAPTER=express|fastify). Stock and orders live in Maps; there is
// no validation, logging, throttling, security headers, request ids or store, so the product's
// ratio to this row is what the product's own code costs on top of Nest's routing, parameter
// binding and the adapter. The answers of the bench scenarios match the product's: status, body,
// content type, and the poll's ETag / Cache-Control with its 304.
//
// Plain JavaScript, run without a build step: Nest's decorators are applied as functions
// (`Controller(...)(Class)`, `Get(...)(prototype, key, descriptor)`), which is what the TypeScript
// compiler emits for `@Controller`/`@Get` anyway. No constructor injection: that would need the
// `design:paramtypes` metadata only the compiler writes.
//
// Reads PORT, HOST, CATALOG (the bench catalogue JSON), FLOOR_ADAPTER, MAX_QUANTITY_PER_PURCHASE.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** @type {any} */
const common = require('@nestjs/common');
/** @type {any} */
const core = require('@nestjs/core');

const { Body, Controller, Get, Headers, Module, Param, Post, Res } = common;

const ADAPTER = process.env.FLOOR_ADAPTER === 'fastify' ? 'fastify' : 'express';
const POLL_AFTER_MS = 1000;
// The product's poll headers (libs/api/products products.controller.ts), so both send the same bytes.
const POLL_CACHE_CONTROL = 'public, max-age=0, s-maxage=1, stale-while-revalidate=2';
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';
const maxQuantity = Number(process.env.MAX_QUANTITY_PER_PURCHASE || 10);

/** @typedef {{ id: number, name: string, description?: string, price: number, currency: string, stock: number }} CatalogEntry */

/** @type {CatalogEntry[]} */
const catalog = process.env.CATALOG
  ? JSON.parse(readFileSync(process.env.CATALOG, 'utf8'))
  : [{ id: 1, name: 'Golden Ticket', price: 5000, currency: 'EUR', stock: 100 }];
/** Stock per product id. */
const available = new Map(catalog.map((entry) => [entry.id, entry.stock]));
/** Orders kept as the memory store and the baseline keep them, so all three pay for it. */
const orders = new Map();

/** @param {number} productId @param {number} left */
const inventoryOf = (productId, left) => ({
  productId,
  available: left,
  state: left === 0 ? 'sold_out' : 'live',
  pollAfterMs: POLL_AFTER_MS,
});

/**
 * @param {any} res @param {number} status @param {string} code @param {string} title
 * @param {string} detail @param {string} instance @param {Record<string, unknown>} [extensions]
 */
function problem(res, status, code, title, detail, instance, extensions = {}) {
  const type = `urn:golden-ticket-drop:problem:${code.toLowerCase().replace(/_/g, '-')}`;
  http.setHeader(res, 'Content-Type', PROBLEM_TYPE);
  // A string, as the product's problem filter sends it: Nest's Express adapter would otherwise
  // rewrite a non-JSON content type of an error body to application/json.
  http.reply(res, JSON.stringify({ type, title, status, detail, code, instance, ...extensions }), status);
}

class HealthController {
  health() {
    return { status: 'ok' };
  }
}

class ProductsController {
  list() {
    return catalog.map((entry) => {
      const left = available.get(entry.id) ?? 0;
      return {
        ...entry,
        available: left,
        maxQuantityPerPurchase: maxQuantity,
        startsAt: null,
        endsAt: null,
        perBuyerLimit: null,
        state: left === 0 ? 'sold_out' : 'live',
      };
    });
  }

  /** @param {string} id @param {string | undefined} ifNoneMatch @param {any} res */
  inventory(id, ifNoneMatch, res) {
    const productId = Number(id);
    const left = available.get(productId);
    if (left === undefined) {
      problem(
        res,
        404,
        'PRODUCT_NOT_FOUND',
        'Product not found',
        `No product ${id}.`,
        `/products/${id}/inventory`,
      );
      return;
    }
    const answer = inventoryOf(productId, left);
    const etag = `"${productId}-${left}-${answer.state}-${POLL_AFTER_MS}"`;
    http.setHeader(res, 'ETag', etag);
    http.setHeader(res, 'Cache-Control', POLL_CACHE_CONTROL);
    if (ifNoneMatch === etag) http.reply(res, undefined, 304);
    else http.reply(res, answer, 200);
  }
}

class BuyController {
  /** @param {{ productId: number, quantity: number }} body @param {any} res */
  buy(body, res) {
    const { productId, quantity } = body;
    const left = available.get(productId);
    if (left === undefined) {
      problem(res, 404, 'PRODUCT_NOT_FOUND', 'Product not found', `No product ${productId}.`, '/buy');
      return;
    }
    if (left < quantity) {
      const soldOut = left === 0;
      problem(
        res,
        409,
        soldOut ? 'SOLD_OUT' : 'INSUFFICIENT_STOCK',
        soldOut ? 'Sold out' : 'Not enough stock left',
        soldOut
          ? `Product ${productId} is sold out.`
          : `Only ${left} of product ${productId} left; asked for ${quantity}. Nothing was sold.`,
        '/buy',
        { productId, available: left },
      );
      return;
    }
    const remaining = left - quantity;
    available.set(productId, remaining);
    const orderId = randomUUID();
    orders.set(orderId, { orderId, productId, quantity, createdAt: new Date().toISOString() });
    http.reply(res, { orderId, productId, quantity, remaining }, 201);
  }
}

/**
 * What `@Get(path) method(...)` compiles to: the method decorator, then one parameter decorator
 * per argument index.
 * @param {Function} controller @param {string} key @param {any} method @param {any[]} [params]
 */
function route(controller, key, method, params = []) {
  const proto = controller.prototype;
  params.forEach((param, index) => param(proto, key, index));
  const descriptor = /** @type {PropertyDescriptor} */ (Object.getOwnPropertyDescriptor(proto, key));
  Object.defineProperty(proto, key, method(proto, key, descriptor) ?? descriptor);
}

route(HealthController, 'health', Get());
Controller('health')(HealthController);
route(ProductsController, 'list', Get());
route(ProductsController, 'inventory', Get(':id/inventory'), [Param('id'), Headers('if-none-match'), Res()]);
Controller('products')(ProductsController);
route(BuyController, 'buy', Post(), [Body(), Res()]);
Controller('buy')(BuyController);

class FloorModule {}
Module({ controllers: [HealthController, ProductsController, BuyController] })(FloorModule);

async function createApp() {
  const options = { logger: false, abortOnError: false };
  if (ADAPTER === 'fastify') {
    const { FastifyAdapter } = require('@nestjs/platform-fastify');
    return core.NestFactory.create(FloorModule, new FastifyAdapter(), options);
  }
  const app = await core.NestFactory.create(FloorModule, options);
  // Not Nest's cost, and the product turns both off: an extra header, and a hash of every JSON body.
  app.disable('x-powered-by');
  app.set('etag', false);
  return app;
}

const app = await createApp();
/** The adapter-neutral reply the product's poll handler uses too; the handlers run only after this. */
/** @type {any} */
const http = app.getHttpAdapter();
const port = Number(process.env.PORT || 8080);
const host = process.env.HOST || '127.0.0.1';
await app.listen(port, host);
console.log(`Floor (NestJS, ${ADAPTER}, memory) on http://${host}:${port}`);

function shutdown() {
  void app.close().then(() => process.exit(0));
  // Keep-alive connections still open after a moment are cut: the bench has stopped sending by then.
  setTimeout(() => process.exit(0), 2000).unref();
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
