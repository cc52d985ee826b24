import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config.service';
import { registeredRequestBodies } from './document-registry';
import { responseSchemaComponents, schemaComponents } from './openapi-schemas';
import { addSharedResponses } from './shared-responses';

export const OPENAPI_PATH = 'api/docs';

/** Swagger UI at /api/docs; the document at /api/docs/json (and /yaml). */
export function mountOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Stevedore')
    .setDescription('Browser test runs, scraping and email as queued jobs. Every route but health needs an API key.')
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A key from API_KEYS' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'x-api-key')
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('x-api-key')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // Response bodies come from the zod schemas the controllers' return types are checked against;
  // request bodies from the schemas that validate them, with this instance's limits.
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      ...responseSchemaComponents(),
      ...schemaComponents(registeredRequestBodies(app.get(AppConfig).env)),
    },
  };
  addSharedResponses(document);
  SwaggerModule.setup(OPENAPI_PATH, app, document, {
    jsonDocumentUrl: `${OPENAPI_PATH}/json`,
    yamlDocumentUrl: `${OPENAPI_PATH}/yaml`,
  });
}
