import { createServiceClient, type ServiceClient } from '@marketbill/platform';

/** A list page as the edge answers it (and as the internal APIs do, page numbering aside). */
export interface Page<T> {
  items: T[];
  page: number;
  size: number;
  total: number;
}

/** A client of another service's internal API, which every service serves under /internal/v1. */
export function createInternalApiClient(name: string, options: { baseUrl: string; token: string; timeoutMs: number }): ServiceClient {
  return createServiceClient({ name, baseUrl: `${options.baseUrl.replace(/\/+$/, '')}/internal/v1`, token: options.token, timeoutMs: options.timeoutMs });
}

/**
 * Lists of the edge count pages from 0; billing's and the notifier's internal APIs count from 1.
 * `request` gets the query with the page shifted up, and its answer comes back shifted down.
 */
export async function fromOneBasedPages<T>(query: Record<string, string | number | undefined>, request: (query: Record<string, string | number | undefined>) => Promise<Page<T>>): Promise<Page<T>> {
  const page = await request({ ...query, page: Number(query.page ?? 0) + 1 });
  return { ...page, page: page.page - 1 };
}
