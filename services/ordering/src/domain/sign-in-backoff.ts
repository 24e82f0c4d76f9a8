/**
 * The progressive delay of sign-in attempts from one client address for one phone: the first
 * `freeFailures` failures cost nothing (typos), then each further attempt must wait 2, 4, 8 … seconds
 * after the last failure, up to `maxSeconds`. A guesser at one address slows down exponentially;
 * the phone's owner at another address is not affected at all.
 */
export function signInDelaySeconds(failures: number, freeFailures: number, maxSeconds: number): number {
  if (failures <= freeFailures) return 0;
  return Math.min(2 ** Math.min(failures - freeFailures, 30), maxSeconds);
}
