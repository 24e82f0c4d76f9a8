/** A retailer's business profile, as the latest retailer.profile.updated says: the statement's 공급받는자. */
export interface RetailerProfile {
  retailerId: string;
  version: number;
  businessNumber: string;
  companyName: string;
  representative: string;
  address: string;
  businessType: string | null;
  businessItem: string | null;
}

/** What a statement prints of the buyer's profile (frozen with the statement). */
export type BuyerBusiness = Omit<RetailerProfile, 'retailerId' | 'version'>;
