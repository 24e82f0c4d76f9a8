/** The supplier block (공급자) of a wholesaler, as the latest wholesaler.profile.updated says. */
export interface WholesalerProfile {
  wholesalerId: string;
  version: number;
  shopName: string;
  /** The owner's number in clear: only in profiles from events written before phones were sealed. */
  ownerPhone: string | null;
  /** The owner's number sealed for the notifier (context party:<wholesalerId>:phone); billing only passes it on. */
  sealedOwnerPhone: string | null;
  businessNumber: string;
  companyName: string;
  representative: string;
  address: string;
  phone: string;
  businessType: string;
  businessItem: string;
  bankAccount: string;
  sealImageUrl: string | null;
}

/** 사업자등록번호 as printed: 2208162517 → 220-81-62517 (other shapes are printed as given). */
export function formatBusinessNumber(digits: string): string {
  return /^\d{10}$/.test(digits) ? `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}` : digits;
}
