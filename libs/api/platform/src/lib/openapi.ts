import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ApiRoutes } from '@gtd/shared-contracts';
import { ProblemDetailsSchema } from './api-problem.decorator';

/** Swagger UI at `/docs`, the OpenAPI document at `/docs-json`. */
export function setupOpenApi(app: INestApplication, version: string): void {
  const config = new DocumentBuilder()
    .setTitle('Golden Ticket Drop API')
    .setDescription(
      'Limited-stock drops that never oversell. Every error is an RFC 9457 problem+json body with a stable `code`.',
    )
    .setVersion(version)
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
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ProblemDetailsSchema],
  });
  SwaggerModule.setup(ApiRoutes.docs.slice(1), app, document, {
    jsonDocumentUrl: ApiRoutes.openApiJson.slice(1),
    customSiteTitle: 'Golden Ticket Drop API',
    // Swagger UI's default badge is an image from validator.swagger.io: the CSP (img-src 'self')
    // refuses it, and it would send the document's address to a third party.
    swaggerOptions: { validatorUrl: null },
  });
}
