/**
 * Korean mobile numbers as ordering normalises them: 010, 011, 016, 017, 018 or 019 followed by
 * seven or eight digits, digits only. SMS goes to nothing else (a landline cannot receive it).
 */
const MOBILE = /^01[016789]\d{7,8}$/;

export function isMobileNumber(phone: string): boolean {
  return MOBILE.test(phone);
}
