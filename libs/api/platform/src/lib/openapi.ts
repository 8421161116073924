import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ApiRoutes } from '@gtd/shared-contracts';
import { ProblemDetailsSchema } from './api-problem.decorator';
import { completeDocument, OpenApiSettings } from './openapi-contract';

/** The controllers' tags, described once at the root (in the order Swagger UI lists them). */
const TAGS: Record<string, string> = {
  products: 'The catalogue and the live counts buyers poll or stream.',
  purchase: "Buying, and reading confirmed orders: one by its id, or a signed-in buyer's own.",
  queue: 'The waiting room: join, the shared status, my place, my pass.',
  tickets: 'Tickets that admit once: an order’s signed ticket, and the keys that verify it offline.',
  buyers: 'Buyer accounts and their bearer tokens.',
  admin:
    'The operator API (ADMIN_TOKEN): drops, restocks, pauses, orders, the audit log, the door’s check-in.',
  operations: 'Readiness and metrics for load balancers and scrapers.',
};

/** Swagger UI at `/docs`, the OpenAPI document at `/docs-json`, saying what this configuration does. */
export function setupOpenApi(app: INestApplication, settings: OpenApiSettings): void {
  const builder = new DocumentBuilder()
    .setTitle('Golden Ticket Drop API')
    .setDescription(
      'Limited-stock drops that never oversell. Every error is an RFC 9457 problem+json body with a stable `code`.',
    )
    .setVersion(settings.version)
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    // Relative: the API, the storefront and this document share one origin, whatever host serves them.
    .addServer('/', 'The server that serves this document');
  for (const [name, description] of Object.entries(TAGS)) builder.addTag(name, description);
  const config = builder
    // An explicit format: Nest labels a bearer scheme "JWT" by default, and these two are opaque secrets.
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque',
        description: 'The operator token (ADMIN_TOKEN).',
      },
      'admin',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque',
        description: 'The scraper token (METRICS_TOKEN), when one is configured.',
      },
      'metrics',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'A buyer token from POST /auth/sign-in or /auth/register.',
      },
      'buyer',
    )
    .build();
  const document = completeDocument(
    SwaggerModule.createDocument(app, config, { extraModels: [ProblemDetailsSchema] }),
    settings,
  );
  SwaggerModule.setup(ApiRoutes.docs.slice(1), app, document, {
    jsonDocumentUrl: ApiRoutes.openApiJson.slice(1),
    customSiteTitle: 'Golden Ticket Drop API',
    // Swagger UI's default badge is an image from validator.swagger.io: the CSP (img-src 'self')
    // refuses it, and it would send the document's address to a third party.
    swaggerOptions: { validatorUrl: null },
  });
}
