/**
 * Links SMS carry: pages of the web frontend (PUBLIC_WEB_URL), retail/ for retailers and
 * wholesale/ for wholesalers. Never a presigned S3 URL: it would expire inside the SMS and hand the
 * document to whoever holds the link; the page checks who is signed in and fetches a fresh link.
 */
export interface WebLinks {
  wholesaleConnections(): string;
  wholesaleOrder(orderId: string): string;
  retailWholesaler(wholesalerId: string): string;
  retailWholesalers(): string;
  retailOrder(orderId: string): string;
  retailStatement(statementId: string): string;
}

export function createWebLinks(baseUrl: string): WebLinks {
  const base = baseUrl.replace(/\/+$/, '');
  const id = (value: string) => encodeURIComponent(value);
  return {
    wholesaleConnections: () => `${base}/wholesale/connections`,
    wholesaleOrder: (orderId) => `${base}/wholesale/orders/${id(orderId)}`,
    retailWholesaler: (wholesalerId) => `${base}/retail/wholesalers/${id(wholesalerId)}`,
    retailWholesalers: () => `${base}/retail/wholesalers`,
    retailOrder: (orderId) => `${base}/retail/orders/${id(orderId)}`,
    retailStatement: (statementId) => `${base}/retail/statements/${id(statementId)}`,
  };
}
