import { describe, expect, it } from '@jest/globals';
import type { AuctionPriceUpdated } from '@marketbill/schemas';
import { toAuctionPrice } from './auction-price';
import { InvalidAuctionPriceEventError } from './catalog-errors';

const event = (over: Partial<AuctionPriceUpdated> = {}): AuctionPriceUpdated => ({
  eventId: '1b27648a-49ec-5a3d-96f0-0b86af4b96e9', occurredAt: 1_764_057_600_000, saleDate: '2026-11-24', category: 'CUT_FLOWER',
  item: '장미', variety: '레드나오미', grade: '특', minPrice: 9000, avgPrice: 12350, maxPrice: 16000, totalAmount: 4199000, totalQuantity: 340,
  change: 'NEW', source: 'REPLAY', itemId: '036040e4-6cf2-5eae-abe0-8c86275adebf', varietyId: 'bcc63149-363f-5c9f-8fc2-0ed39ec0a27f', revision: 1, ...over,
});

describe('toAuctionPrice', () => {
  it('When the event is well formed, then it maps to a price point', () => {
    expect(toAuctionPrice(event())).toMatchObject({ varietyId: 'bcc63149-363f-5c9f-8fc2-0ed39ec0a27f', itemName: '장미', grade: '특', revision: 1 });
  });

  it.each([
    ['no variety id (an old producer)', { varietyId: '' }],
    ['a day that does not exist', { saleDate: '2026-02-30' }],
    ['a blank grade', { grade: ' ' }],
    ['a negative price', { minPrice: -1 }],
  ])('When the event has %s, then it is refused as a non-retriable error', (_what, over) => {
    const error = (() => {
      try {
        toAuctionPrice(event(over));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidAuctionPriceEventError);
    expect(error).toMatchObject({ code: 'invalid-auction-price-event', retriable: false });
  });
});
