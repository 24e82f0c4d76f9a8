import { z } from 'zod';
import { pageOf } from '@marketbill/platform';
import { id, instant, pageQuery, request, response } from './shared-schemas';

// ── connections ─────────────────────────────────────────────────────────────────────────────────
const connectionStatus = z.enum(['APPLYING', 'CONFIRMED', 'REJECTED']);
export const ConnectionInput = request('ConnectionApplication', z.object({ wholesalerId: id() }));
export const DecisionInput = request('ConnectionDecisionInput', z.object({ decision: z.enum(['CONFIRMED', 'REJECTED']) }));
export const partyRef = z.object({ id: id(), name: z.string() });
export const Connection = response(
  'Connection',
  z.object({ id: id(), status: connectionStatus, retailer: partyRef, wholesaler: partyRef, createdAt: instant(), decidedAt: instant().nullable() }),
);
export const ConnectionPage = response('ConnectionPage', pageOf(Connection));
export const connectionQuery = z.object({ ...pageQuery, status: connectionStatus.optional() });

// Shared by the routes of this area (they import one schema module).
export { idParam } from './shared-schemas';
