import { describe, expect, it } from '@jest/globals';
import { latestCutoff } from './cutoff';

describe('cutoff', () => {
  it('When it is 23:00 in Seoul, then the latest 22:00 cutoff is today; at 21:00 it is yesterday’s', () => {
    expect(latestCutoff(new Date('2026-11-25T14:00:00Z'), '22:00').toISOString()).toBe('2026-11-25T13:00:00.000Z');
    expect(latestCutoff(new Date('2026-11-25T12:00:00Z'), '22:00').toISOString()).toBe('2026-11-24T13:00:00.000Z');
    expect(latestCutoff(new Date('2026-11-25T16:30:00Z'), '01:15').toISOString()).toBe('2026-11-25T16:15:00.000Z');
  });
});
