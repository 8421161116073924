/**
 * Route paths shared by the API and its clients. The seed's three routes are part of the public
 * contract and stay at the root, without a prefix or version segment.
 */
export const ApiRoutes = {
  products: '/products',
  product: (id: number) => `/products/${id}`,
  inventory: (id: number) => `/products/${id}/inventory`,
  buy: '/buy',
  order: (orderId: string) => `/orders/${encodeURIComponent(orderId)}`,
  orderTicket: (orderId: string) => `/orders/${encodeURIComponent(orderId)}/ticket`,
  ticketKeys: '/tickets/keys',
  inventoryStream: (id: number) => `/products/${id}/inventory/stream`,
  queue: (id: number) => `/products/${id}/queue`,
  queueChallenge: (id: number) => `/products/${id}/queue/challenge`,
  queuePosition: (id: number) => `/products/${id}/queue/position`,
  queuePass: (id: number) => `/products/${id}/queue/pass`,
  queueOrderBlock: (id: number, block: number) => `/products/${id}/queue/order/${block}`,
  myOrders: '/me/orders',
  register: '/auth/register',
  signIn: '/auth/sign-in',
  admin: {
    products: '/admin/products',
    product: (id: number) => `/admin/products/${id}`,
    restock: (id: number) => `/admin/products/${id}/restock`,
    pause: (id: number) => `/admin/products/${id}/pause`,
    resume: (id: number) => `/admin/products/${id}/resume`,
    orders: (id: number) => `/admin/products/${id}/orders`,
    ordersExport: (id: number) => `/admin/products/${id}/orders/export`,
    summary: (id: number) => `/admin/products/${id}/summary`,
    summaryStream: (id: number) => `/admin/products/${id}/summary/stream`,
    queue: (id: number) => `/admin/products/${id}/queue`,
    orderCancel: (orderId: string) => `/admin/orders/${encodeURIComponent(orderId)}/cancel`,
    audit: '/admin/audit',
    checkIns: '/admin/check-ins',
    health: '/admin/health',
  },
  health: '/health',
  metrics: '/metrics',
  docs: '/docs',
  openApiJson: '/docs-json',
} as const;

/** RFC 9457 `type` URI for a code, so each problem type is documented and distinguishable. */
export const problemType = (code: string): string =>
  `urn:golden-ticket-drop:problem:${code.toLowerCase().replace(/_/g, '-')}`;

/**
 * First path segments that belong to the API. The server never answers these with the
 * storefront's page, even for a browser asking for HTML.
 */
export const API_PATH_ROOTS: readonly string[] = [
  'products',
  'buy',
  'orders',
  'tickets',
  'auth',
  'me',
  'admin',
  'health',
  'metrics',
  'docs',
  'docs-json',
];
