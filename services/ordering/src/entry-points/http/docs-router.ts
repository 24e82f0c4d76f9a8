import path from 'node:path';
import express, { Router } from 'express';

/**
 * `/openapi.json` (the contract) and Swagger UI at `/docs`, served from the swagger-ui-dist
 * package: no CDN, the machines are offline. Only the initializer is ours: it points at our
 * document and turns off Swagger UI's online validator badge, which would send the document's
 * address to validator.swagger.io from every visitor's browser (the document is validated in CI
 * instead: services/ordering/tools/check-openapi.mts).
 */
export function docsRouter(document: unknown): Router {
  const router = Router();
  const body = JSON.stringify(document);
  const dist = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(body);
  });
  router.get('/docs/swagger-initializer.js', (_req, res) => {
    res
      .type('application/javascript')
      .send(
        "window.onload = function () {\n  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null,\n" +
          "    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], plugins: [SwaggerUIBundle.plugins.DownloadUrl], layout: 'StandaloneLayout' });\n};\n",
      );
  });
  router.use('/docs', express.static(dist, { index: 'index.html', maxAge: '1h' }));
  return router;
}
