import { AppError, ForbiddenError, NotFoundError, ValidationError } from '@marketbill/platform';

/** An `auction.price.updated` event the catalog cannot apply (a producer bug): dead-lettered, never retried. */
export class InvalidAuctionPriceEventError extends AppError {
  static because(reason: string): InvalidAuctionPriceEventError {
    return new InvalidAuctionPriceEventError({ code: 'invalid-auction-price-event', message: `The auction price event cannot be applied: ${reason}`, httpStatus: 422 });
  }
}

export const VarietyNotFoundError = { byId: (id: string) => NotFoundError.of('variety', id) };
export const ItemNotFoundError = { byId: (id: string) => NotFoundError.of('item', id) };

export const CurationForbiddenError = {
  notAdmin: () => ForbiddenError.because('Only an administrator may curate the catalog.', 'admin-required'),
};

export const PriceWindowError = {
  tooLong: (maxDays: number) => ValidationError.field('from', `The window may span at most ${maxDays} days.`),
  reversed: (field: string) => ValidationError.field(field, 'The window starts after it ends.'),
};
