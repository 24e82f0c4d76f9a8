const SEOUL_OFFSET_MS = 9 * 3_600_000;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isCutoffTime(value: string): boolean {
  return HH_MM.test(value);
}

/**
 * The most recent moment at or before `now` when the clock in Seoul showed `cutoff` (HH:MM).
 * A cart last changed before that moment is due: it is ordered by the cutoff job. Seoul has no
 * daylight saving time, so the offset is fixed.
 */
export function latestCutoff(now: Date, cutoff: string): Date {
  const m = HH_MM.exec(cutoff);
  if (!m) throw new RangeError(`not a cutoff time: ${cutoff}`);
  const seoulNow = now.getTime() + SEOUL_OFFSET_MS;
  const seoulMidnight = seoulNow - (seoulNow % 86_400_000);
  let at = seoulMidnight + Number(m[1]) * 3_600_000 + Number(m[2]) * 60_000 - SEOUL_OFFSET_MS;
  if (at > now.getTime()) at -= 86_400_000;
  return new Date(at);
}
