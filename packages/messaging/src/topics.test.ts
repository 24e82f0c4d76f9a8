import { describe, expect, it } from '@jest/globals';
import { TOPICS } from '@marketbill/schemas';
import { deadLetterRetentionMs } from './topics';

describe('dead-letter retention', () => {
  it('When a topic keeps messages one hour, then its dead letters are kept one day, not thirty', () => {
    expect(deadLetterRetentionMs(TOPICS['account.verification.requested'].retentionMs)).toBe(86_400_000);
  });

  it('When a topic keeps messages long or is compacted, then its dead letters are kept thirty days', () => {
    expect(deadLetterRetentionMs(TOPICS['order.placed'].retentionMs)).toBe(30 * 86_400_000);
    expect(deadLetterRetentionMs(TOPICS['wholesaler.profile.updated'].retentionMs)).toBe(30 * 86_400_000);
  });
});
