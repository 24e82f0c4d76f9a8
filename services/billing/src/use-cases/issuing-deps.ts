import type { Logger, Orm } from '@marketbill/platform';
import type { SealImageClient } from '../clients/seal-image-client';
import type { StatementRenderer } from '../clients/statement-pdf/statement-renderer';
import type { StatementStore } from '../clients/statement-store';

/** What issuing a statement needs: the database, the PDF store, the seal fetcher and the renderer. */
export interface IssuingDeps {
  orm: Orm;
  store: StatementStore;
  seals: SealImageClient;
  renderer: StatementRenderer;
  logger: Logger;
  /** Seconds an issue in progress holds its reservation (unless its process dies first). */
  leaseSeconds: number;
  /** This process's presence-lock id, written as the lease owner (`runtime.presence.ownerId`). */
  owner: () => number;
  /** How long an issue waits for billing's view of the orders to reach the versions the edge knows. */
  viewWaitMs: number;
}
