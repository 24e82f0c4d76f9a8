import { stackEnv } from './stack-env';

/**
 * Jest global setup of the integration project: makes sure the stack settings exist and exports
 * them to the workers, so every test connects to the same real infrastructure.
 */
export default async function globalSetup(): Promise<void> {
  const env = stackEnv();
  for (const [key, value] of Object.entries(env)) {
    process.env[key] = value;
  }
}
