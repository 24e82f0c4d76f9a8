import { describe, expect, it } from '@jest/globals';
import { addDays, daysBetween, isDay, seoulDay, seoulDayStart } from './time';

describe('Seoul days', () => {
  it('When it is 15:00 UTC, then it is already the next day in Seoul', () => {
    expect(seoulDay(new Date('2026-11-25T14:59:59Z'))).toBe('2026-11-25');
    expect(seoulDay(new Date('2026-11-25T15:00:00Z'))).toBe('2026-11-26');
  });

  it('When a Seoul day starts, then it is 15:00 UTC of the day before', () => {
    expect(seoulDayStart('2026-11-26').toISOString()).toBe('2026-11-25T15:00:00.000Z');
  });

  it('When days are counted across a month and a leap day, then the calendar is respected', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
  });

  it('When a string is not a real day, then it is refused', () => {
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-13-01')).toBe(false);
    expect(isDay('26-11-25')).toBe(false);
    expect(isDay('2026-11-25')).toBe(true);
    expect(() => seoulDayStart('2026-02-30')).toThrow(RangeError);
  });
});
