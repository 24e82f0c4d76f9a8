import type { Logger, Orm } from '@marketbill/platform';
import type { SealImageClient } from '../clients/seal-image-client';
import type { StatementFonts } from '../clients/statement-pdf/statement-fonts';
import type { StatementStore } from '../clients/statement-store';

/** What issuing a statement needs: the database, the PDF store, the seal fetcher and the fonts. */
export interface IssuingDeps {
  orm: Orm;
  store: StatementStore;
  seals: SealImageClient;
  fonts: StatementFonts;
  logger: Logger;
  /** Seconds an issue in progress holds its reservation. */
  leaseSeconds: number;
}
