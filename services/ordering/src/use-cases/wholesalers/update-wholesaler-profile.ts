import { randomUUID } from 'node:crypto';
import { publish } from '../../topics';
import { sealedFieldContext } from '@marketbill/schemas';
import { getAccount } from '../../data-access/account-repository';
import type { Account, Wholesaler } from '../../data-access/entities';
import { lockWholesaler } from '../../data-access/wholesaler-repository';
import { owningWholesaler, type Actor } from '../../domain/actor';
import { normaliseBusinessNumber } from '../../domain/business-number';
import { PolicyError } from '../../domain/ordering-errors';
import type { UseCaseContext } from '../context';

export interface ProfileInput {
  businessNumber: string;
  companyName: string;
  representative: string;
  address: string;
  phone: string;
  businessType: string;
  businessItem: string;
  bankAccount: string;
  sealImageUrl?: string | null | undefined;
}

/**
 * Creates or replaces the wholesaler's business profile (owner only: staff may not), and
 * publishes `wholesaler.profile.updated` with a growing version: billing keeps it to print the
 * supplier block of statements.
 */
export async function updateWholesalerProfile(ctx: UseCaseContext, actor: Actor, input: ProfileInput): Promise<{ wholesaler: Wholesaler; owner: Account }> {
  const wholesalerId = owningWholesaler(actor);
  const businessNumber = normaliseBusinessNumber(input.businessNumber);
  if (!businessNumber) throw PolicyError.invalidBusinessNumber();
  return ctx.tx(async (em) => {
    const now = ctx.now();
    const w = await lockWholesaler(em, wholesalerId);
    const owner = await getAccount(em, wholesalerId);
    // What the profile holds is also what the event carries (billing prints it as the supplier).
    const profile = {
      businessNumber,
      companyName: input.companyName,
      representative: input.representative,
      address: input.address,
      phone: input.phone,
      businessType: input.businessType,
      businessItem: input.businessItem,
      bankAccount: input.bankAccount,
      sealImageUrl: input.sealImageUrl ?? null,
    };
    Object.assign(w, { ...profile, profileVersion: w.profileVersion + 1, profileUpdatedAt: now });
    publish(em, 'wholesaler.profile.updated', wholesalerId, {
      eventId: randomUUID(),
      occurredAt: now.getTime(),
      wholesalerId,
      version: w.profileVersion,
      shopName: owner.name,
      ownerPhone: null,
      sealedOwnerPhone: ctx.settings.sealer.seal(owner.phone, sealedFieldContext.partyPhone(wholesalerId)),
      ...profile,
    });
    return { wholesaler: w, owner };
  });
}
