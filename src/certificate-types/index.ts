import fp from 'fastify-plugin';
import { catalogueRepository } from '../catalogue/repository.js';
import { registerMunicipalRoutes } from '../credentials/index.js';
import { certificateTypesRepository } from './repository.js';
import { certificateTypeRoutes } from './routes.js';
import { certificateTypesService, type CertificateTypesService } from './service.js';

declare module 'fastify' {
  interface FastifyInstance {
    certificateTypes: CertificateTypesService;
  }
}

/** 制度マスタ: PUT/GET /municipal/v1/certificate-types; its rules feed registration. */
export const certificateTypesFeature = fp(
  async (app) => {
    const service = certificateTypesService(certificateTypesRepository(app.db), catalogueRepository(app.db));
    app.decorate('certificateTypes', service);
    await registerMunicipalRoutes(app, (municipal) => municipal.register(certificateTypeRoutes, { service }));
  },
  { name: 'certificate-types', dependencies: ['infrastructure', 'credentials'] },
);
