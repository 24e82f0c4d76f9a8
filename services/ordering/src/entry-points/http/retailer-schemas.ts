import { z } from 'zod';
import { id, instant, nonBlank, request, response, text } from './shared-schemas';

// ── retailers ──────────────────────────────────────────────────────────────────────────────────
export const RetailerProfileInput = request(
  'RetailerProfileInput',
  z.object({
    businessNumber: z.string().regex(/^\d{3}-?\d{2}-?\d{5}$/, '10 digits, dashes allowed (123-45-67890).').describe('사업자등록번호; the check digit must be valid.'),
    companyName: nonBlank(100).describe('상호, printed in full on statements.'),
    representative: nonBlank(50).describe('대표자.'),
    address: nonBlank(200).describe('사업장 주소.'),
    businessType: text(50).nullable().optional().describe('업태 (optional).'),
    businessItem: text(50).nullable().optional().describe('종목 (optional).'),
  }),
);
export const RetailerProfile = response(
  'RetailerProfile',
  z.object({
    businessNumber: z.string(),
    companyName: z.string(),
    representative: z.string(),
    address: z.string(),
    businessType: z.string().nullable(),
    businessItem: z.string().nullable(),
    version: z.int(),
    updatedAt: instant(),
  }),
);
export const Retailer = response(
  'Retailer',
  z.object({
    id: id(),
    name: z.string().describe('Shop name.'),
    profile: RetailerProfile.nullable().describe('The business profile printed as 공급받는자 on statements; null until saved (statements then print the name only).'),
  }),
);
