import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '@marketbill/schemas';
import type { StatementStore } from '../clients/statement-store';
import { findVisibleStatement } from './get-statement';

/**
 * A short-lived presigned S3 URL for the statement's PDF (this version's own object). The edge
 * hands it out after its ownership check; billing checks again.
 */
export async function getStatementDownload(em: EntityManager, store: StatementStore, actor: Actor, id: string): Promise<{ url: string; expiresAt: Date }> {
  const statement = await findVisibleStatement(em, actor, id);
  if (!statement.objectKey) throw new Error(`issued statement ${id} has no object key`);
  const fileName = `거래명세서_${statement.number}${statement.version > 1 ? `_v${statement.version}` : ''}.pdf`;
  return store.presignDownload(statement.objectKey, fileName);
}
