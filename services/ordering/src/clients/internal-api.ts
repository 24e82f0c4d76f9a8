import { createServiceClient, type ServiceClient } from '@marketbill/platform';

/** A client of another service's internal API, which every service serves under /internal/v1. */
export function createInternalApiClient(name: string, options: { baseUrl: string; token: string; timeoutMs: number }): ServiceClient {
  return createServiceClient({ name, baseUrl: `${options.baseUrl.replace(/\/+$/, '')}/internal/v1`, token: options.token, timeoutMs: options.timeoutMs });
}
