import { AppError } from '@marketbill/platform';

/** Only the owner of the orders' wholesaler may issue or re-issue statements. */
export class StatementIssueForbiddenError extends AppError {
  static forRole(role: string): StatementIssueForbiddenError {
    return new StatementIssueForbiddenError({
      code: 'statement-issue-forbidden',
      message: `Only the wholesaler's owner may issue statements; ${role} may not.`,
      httpStatus: 403,
    });
  }
}

/** The acting user is missing or malformed: the edge must name who acts. */
export class ActorRequiredError extends AppError {
  static missing(): ActorRequiredError {
    return new ActorRequiredError({ code: 'actor-required', message: 'The acting user (X-MarketBill-Actor) is missing or malformed.', httpStatus: 401 });
  }
}

/** The actor's role may not do this (payments by a retailer, a query outside the actor's own data). */
export class AccessForbiddenError extends AppError {
  static because(message: string): AccessForbiddenError {
    return new AccessForbiddenError({ code: 'forbidden', message, httpStatus: 403 });
  }
}

export class OrderNotFoundError extends AppError {
  /** Also for orders of another wholesaler: no existence leak. */
  static byIds(orderIds: string[]): OrderNotFoundError {
    return new OrderNotFoundError({
      code: 'order-not-found',
      message: `No order sheet ${orderIds.join(', ')} for this wholesaler.`,
      httpStatus: 404,
      details: { orderIds },
    });
  }

  static forDay(retailerId: string, day: string): OrderNotFoundError {
    return new OrderNotFoundError({
      code: 'order-not-found',
      message: `The retailer ${retailerId} has no order sheets of ${day} with this wholesaler.`,
      httpStatus: 404,
      details: { retailerId, day },
    });
  }
}

export interface UnpricedLine {
  orderId: string;
  orderNumber: string;
  lineId: string;
  itemName: string;
  varietyName: string;
}

export class OrderUnpricedError extends AppError {
  static lines(lines: UnpricedLine[]): OrderUnpricedError {
    const names = lines.map((l) => `${l.orderNumber} ${[l.itemName, l.varietyName].filter(Boolean).join(' ')}`);
    return new OrderUnpricedError({
      code: 'order-unpriced',
      message: `Every line must be priced before a statement is issued; unpriced: ${names.join(', ')}.`,
      httpStatus: 409,
      details: { unpricedLines: lines },
    });
  }
}

export class BusinessProfileMissingError extends AppError {
  static forWholesaler(wholesalerId: string): BusinessProfileMissingError {
    return new BusinessProfileMissingError({
      code: 'business-profile-missing',
      message: 'The wholesaler has no business profile (사업자 정보); it is required to issue a statement.',
      httpStatus: 409,
      details: { wholesalerId },
    });
  }
}

export class OrderCancelledError extends AppError {
  static orders(orders: Array<{ orderId: string; orderNumber: string }>): OrderCancelledError {
    return new OrderCancelledError({
      code: 'order-cancelled',
      message: `Cancelled order sheets cannot be stated: ${orders.map((o) => o.orderNumber).join(', ')}.`,
      httpStatus: 409,
      details: { orders },
    });
  }
}

export class OrdersOfSeveralRetailersError extends AppError {
  static among(retailerIds: string[]): OrdersOfSeveralRetailersError {
    return new OrdersOfSeveralRetailersError({
      code: 'orders-of-several-retailers',
      message: 'A statement covers the order sheets of one retailer only.',
      httpStatus: 409,
      details: { retailerIds },
    });
  }
}

/** An order sheet belongs to one statement number; changes go through a re-issue of that statement. */
export class OrderAlreadyStatedError extends AppError {
  static on(statements: Array<{ orderId: string; statementId: string; statementNumber: string }>): OrderAlreadyStatedError {
    return new OrderAlreadyStatedError({
      code: 'order-already-stated',
      message: `Already on a statement: ${statements.map((s) => s.statementNumber).join(', ')}; re-issue that statement instead.`,
      httpStatus: 409,
      details: { statements },
    });
  }
}

/** Another issue for the same wholesaler–retailer pair is being rendered; retry in a moment. */
export class StatementInProgressError extends AppError {
  static forPair(statementId: string): StatementInProgressError {
    return new StatementInProgressError({
      code: 'statement-in-progress',
      message: 'Another statement for this retailer is being issued; try again in a moment.',
      httpStatus: 409,
      retriable: true,
      details: { statementId },
    });
  }
}

export class StatementNotFoundError extends AppError {
  static byId(id: string): StatementNotFoundError {
    return new StatementNotFoundError({ code: 'statement-not-found', message: `No statement with id ${id}.`, httpStatus: 404 });
  }
}

export class StatementSupersededError extends AppError {
  static by(id: string, supersededBy: string): StatementSupersededError {
    return new StatementSupersededError({
      code: 'statement-superseded',
      message: `Statement ${id} was superseded by ${supersededBy}; re-issue the current version.`,
      httpStatus: 409,
      details: { supersededBy },
    });
  }
}

/** The same Idempotency-Key came with a different request. */
export class IdempotencyKeyReusedError extends AppError {
  static forKey(key: string): IdempotencyKeyReusedError {
    return new IdempotencyKeyReusedError({
      code: 'idempotency-key-reused',
      message: `The Idempotency-Key ${key} was already used for a different request.`,
      httpStatus: 422,
    });
  }
}

/**
 * A statement or payment would take an amount past billing's limits (domain/money-limits.ts): a
 * statement total, or the pair's balance. 422, nothing reserved, charged or numbered.
 */
export class AmountLimitError extends AppError {
  static statementTotal(limit: number): AmountLimitError {
    return new AmountLimitError({
      code: 'statement-total-limit-exceeded',
      message: `A statement's total may be at most ${limit.toLocaleString('en-US')} KRW; issue it for fewer order sheets.`,
      httpStatus: 422,
      details: { limit },
    });
  }

  static balance(limit: number): AmountLimitError {
    return new AmountLimitError({
      code: 'balance-limit-exceeded',
      message: `The balance between this wholesaler and retailer would pass ±${limit.toLocaleString('en-US')} KRW; record payments first.`,
      httpStatus: 422,
      details: { limit },
    });
  }

  static payment(limit: number): AmountLimitError {
    return new AmountLimitError({ code: 'payment-limit-exceeded', message: `A payment may be at most ${limit.toLocaleString('en-US')} KRW.`, httpStatus: 422, details: { limit } });
  }
}

/**
 * Rendering the statement's PDF failed for a reason another attempt would meet again (a renderer
 * error or time-out). The reservation was undone: the pair is free and the number goes to the next
 * statement.
 */
export class StatementRenderFailedError extends AppError {
  static because(reason: string, cause: unknown): StatementRenderFailedError {
    return new StatementRenderFailedError({
      code: 'statement-render-failed',
      message: `The statement could not be rendered (${reason}); nothing was issued.`,
      httpStatus: 500,
      cause,
    });
  }
}

/** Payments are recorded only for a retailer that traded with the wholesaler (an order sheet is known). */
export class RetailerNotFoundError extends AppError {
  static forWholesaler(retailerId: string): RetailerNotFoundError {
    return new RetailerNotFoundError({
      code: 'retailer-not-found',
      message: `No retailer ${retailerId} has traded with this wholesaler.`,
      httpStatus: 404,
    });
  }
}

/** No ledger between the pair: they never traded (no order sheet, no entry). */
export class LedgerNotFoundError extends AppError {
  static forPair(other: 'retailer' | 'wholesaler'): LedgerNotFoundError {
    return new LedgerNotFoundError({ code: 'ledger-not-found', message: `No ledger with this ${other}: they have not traded.`, httpStatus: 404 });
  }
}

/** An event from ordering breaks its contract; dead-lettered, never retried. */
export class InvalidEventContentError extends AppError {
  static because(topic: string, problems: string[]): InvalidEventContentError {
    return new InvalidEventContentError({
      code: 'invalid-event-content',
      message: `The ${topic} event breaks its contract: ${problems.join('; ')}`,
      details: { problems },
    });
  }
}

/**
 * Billing's view of an order (kept from ordering's events) is older than the version the edge
 * knows: the last change has not arrived yet. Retriable: the request succeeds once it has.
 */
export class OrderViewBehindError extends AppError {
  static forOrders(orderIds: string[]): OrderViewBehindError {
    return new OrderViewBehindError({
      code: 'order-view-behind',
      message: `The latest changes of ${orderIds.length === 1 ? 'an order' : `${orderIds.length} orders`} have not reached billing yet; try again in a moment.`,
      httpStatus: 503,
      retriable: true,
      // The event carrying the change is normally a few hundred milliseconds behind.
      retryAfterSeconds: 1,
      details: { orderIds },
    });
  }
}
