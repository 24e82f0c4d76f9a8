// First: which modules' source maps are kept is decided as they load.
import '@marketbill/runtime/source-maps';
import { runMain } from '@marketbill/runtime/main';
import { readConfig } from './config';

/**
 * Entry point (see runMain):
 *   node dist/main.js           run the service
 *   node dist/main.js migrate   apply pending migrations and exit (the Kubernetes init container)
 */
runMain({ service: 'ordering', readConfig, load: () => import('./service.js') });
