import { randomUUID } from 'node:crypto';
import { publish } from '../../topics';
import { getAccount } from '../../data-access/account-repository';
import type { Account, RetailerProfile } from '../../data-access/entities';
import { addRetailerProfile, lockRetailerProfile } from '../../data-access/retailer-repository';
import { assertRole, type Actor } from '../../domain/actor';
import { normaliseBusinessNumber } from '../../domain/business-number';
import { PolicyError } from '../../domain/ordering-errors';
import type { UseCaseContext } from '../context';

export interface RetailerProfileInput {
  businessNumber: string;
  companyName: string;
  representative: string;
  address: string;
  businessType?: string | null | undefined;
  businessItem?: string | null | undefined;
}

/**
 * Creates or replaces the calling retailer's business profile and publishes
 * `retailer.profile.updated` with a growing version: billing keeps it and prints it as the
 * 공급받는자 (등록번호, 상호, 대표자, 사업장 주소, 업태/종목) on the retailer's next statements.
 */
export async function updateRetailerProfile(ctx: UseCaseContext, actor: Actor, input: RetailerProfileInput): Promise<{ account: Account; profile: RetailerProfile }> {
  assertRole(actor, ['RETAILER']);
  const businessNumber = normaliseBusinessNumber(input.businessNumber);
  if (!businessNumber) throw PolicyError.invalidBusinessNumber();
  const blankToNull = (v: string | null | undefined) => (v && v.trim() ? v.trim() : null);
  return ctx.tx(async (em) => {
    const now = ctx.now();
    const existing = await lockRetailerProfile(em, actor.accountId);
    const fields = {
      businessNumber,
      companyName: input.companyName.trim(),
      representative: input.representative.trim(),
      address: input.address.trim(),
      businessType: blankToNull(input.businessType),
      businessItem: blankToNull(input.businessItem),
    };
    const profile =
      existing ??
      addRetailerProfile(em, { retailerId: actor.accountId, ...fields, version: 0, updatedAt: now });
    Object.assign(profile, fields, { version: profile.version + 1, updatedAt: now });
    publish(em, 'retailer.profile.updated', actor.accountId, {
      eventId: randomUUID(),
      occurredAt: now.getTime(),
      retailerId: actor.accountId,
      version: profile.version,
      ...fields,
    });
    return { account: await getAccount(em, actor.accountId), profile };
  });
}
