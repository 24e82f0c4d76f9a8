import { AppError, ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '@marketbill/platform';

/**
 * The failures the ordering service names. Each is built by a static factory so its stable `code`
 * lives here once; clients match on the code, never on the message.
 */
export class AuthError extends AppError {
  /** Same answer for an unknown phone and a wrong password: no account enumeration. */
  static badCredentials(): AuthError {
    return new AuthError({ code: 'invalid-credentials', message: 'The phone number or password is wrong.', httpStatus: 401 });
  }

  static invalidRefreshToken(): AuthError {
    return new AuthError({ code: 'invalid-refresh-token', message: 'The refresh token is invalid, expired or revoked.', httpStatus: 401 });
  }

  /** The access token's session ended: signed out, password changed, family revoked, or the account disabled. */
  static sessionRevoked(): AuthError {
    return new AuthError({ code: 'session-revoked', message: 'This session has ended; sign in again.', httpStatus: 401 });
  }

  static accountDisabled(): AuthError {
    return new AuthError({ code: 'account-disabled', message: 'This account is disabled.', httpStatus: 403 });
  }

  static wrongPassword(): AuthError {
    return new AuthError({ code: 'wrong-password', message: 'The current password is wrong.', httpStatus: 403 });
  }
}

export class VerificationError extends AppError {
  static invalid(): VerificationError {
    return new VerificationError({ code: 'verification-failed', message: 'The verification code is wrong, expired or used up.', httpStatus: 400 });
  }

  static phoneMismatch(): VerificationError {
    return new VerificationError({ code: 'verification-failed', message: 'The verification does not belong to this phone number.', httpStatus: 400 });
  }
}

export class AccountError extends AppError {
  static phoneTaken(): AccountError {
    return new AccountError({ code: 'phone-already-registered', message: 'An account with this phone number exists.', httpStatus: 409 });
  }

  static invitationInvalid(): AccountError {
    return new AccountError({ code: 'invitation-invalid', message: 'The invitation code is unknown, expired or used.', httpStatus: 400 });
  }

  static invitationRequired(): ValidationError {
    return ValidationError.field('invitationCode', 'Staff join a wholesaler with an invitation code from its owner.');
  }
}

export class PolicyError extends AppError {
  static weakPassword(problems: string[]): ValidationError {
    return ValidationError.withIssues(
      problems.map((message) => ({ path: 'password', message })),
      'The password does not meet the policy.',
    );
  }

  static invalidBusinessNumber(): ValidationError {
    return ValidationError.field('businessNumber', 'Not a valid business registration number (10 digits with a valid check digit).');
  }
}

/** Role checks: the caller is authenticated but its role may not do this. */
export class RoleError extends ForbiddenError {
  static requires(roles: readonly string[]): ForbiddenError {
    return ForbiddenError.because(`This action needs one of the roles ${roles.join(', ')}.`, 'role-forbidden');
  }

  static ownerOnly(): ForbiddenError {
    return ForbiddenError.because('Only the wholesaler owner may do this.', 'owner-only');
  }
}

export class ConnectionError extends AppError {
  static duplicate(): ConflictError {
    return ConflictError.because('connection-exists', 'An application to this wholesaler is pending or confirmed.');
  }

  static notPending(): ConflictError {
    return ConflictError.because('connection-not-pending', 'Only a pending application can be decided.');
  }

  static notConfirmed(): ForbiddenError {
    return ForbiddenError.because('Ordering needs a confirmed connection to this wholesaler.', 'connection-not-confirmed');
  }

  static wholesalerNotFound(id: string): NotFoundError {
    return NotFoundError.of('wholesaler', id);
  }
}

export class CartError extends AppError {
  static empty(): ConflictError {
    return ConflictError.because('cart-empty', 'The cart has no lines to order.');
  }

  /** The cart kept changing (from another device) while it was being ordered: nothing was ordered. */
  static busy(): ConflictError {
    return ConflictError.because('cart-busy', 'The cart kept changing while it was being ordered; nothing was ordered. Try again.');
  }

  static unknownVariety(varietyId: string): ValidationError {
    return ValidationError.withIssues([{ path: 'varietyId', message: `Unknown variety ${varietyId}.` }], 'The variety is not in the catalog.');
  }
}

export class OrderError extends AppError {
  static cancelled(): ConflictError {
    return ConflictError.because('order-cancelled', 'The order is cancelled.');
  }

  static alreadyPriced(): ConflictError {
    return ConflictError.because('order-priced', 'The wholesaler has priced this order; it can no longer be cancelled.');
  }

  static fulfilmentTransition(from: string, to: string): ConflictError {
    return ConflictError.because('fulfilment-transition-invalid', `Fulfilment cannot move from ${from} to ${to}.`, { from, to });
  }

  static lineNotFound(lineId: string): NotFoundError {
    return NotFoundError.of('order-line', lineId);
  }

  static lineNotCustom(lineId: string): ConflictError {
    return ConflictError.because('order-line-not-custom', `Line ${lineId} is not a custom line.`);
  }

  static noShippingFee(): NotFoundError {
    return new NotFoundError({ code: 'shipping-fee-not-found', message: 'The order has no shipping-fee line.', httpStatus: 404 });
  }
}

/** A quantity or an amount above the business limits (domain/money-limits.ts): 422, nothing changed. */
export class MoneyLimitError extends AppError {
  private static of(code: string, message: string, limit: number, lineId?: string): MoneyLimitError {
    return new MoneyLimitError({ code, message, httpStatus: 422, details: { limit, ...(lineId ? { lineId } : {}) } });
  }

  static quantity(limit: number, lineId?: string): MoneyLimitError {
    return MoneyLimitError.of('quantity-limit-exceeded', `A line's quantity may be at most ${limit.toLocaleString('en-US')}.`, limit, lineId);
  }

  static unitPrice(limit: number, lineId?: string): MoneyLimitError {
    return MoneyLimitError.of('unit-price-limit-exceeded', `A unit price may be at most ${limit.toLocaleString('en-US')} KRW.`, limit, lineId);
  }

  static orderTotal(limit: number): MoneyLimitError {
    return MoneyLimitError.of('order-total-limit-exceeded', `An order sheet's total may be at most ${limit.toLocaleString('en-US')} KRW.`, limit);
  }

  static payment(limit: number): MoneyLimitError {
    return MoneyLimitError.of('payment-limit-exceeded', `A payment may be at most ${limit.toLocaleString('en-US')} KRW.`, limit);
  }
}

export class IdempotencyError extends AppError {
  static keyReused(): AppError {
    return new IdempotencyError({
      code: 'idempotency-key-reused',
      message: 'This Idempotency-Key was used with a different request.',
      httpStatus: 422,
    });
  }

  static inFlight(): ConflictError {
    return ConflictError.because('idempotency-key-in-flight', 'A request with this Idempotency-Key is still being processed.');
  }

  /**
   * This request's claim was taken over by a retry while it ran (its process had lost the database
   * for a moment and looked gone): nothing was changed by this request; the retry's answer counts.
   */
  static claimLost(): ConflictError {
    return ConflictError.because('idempotency-key-taken-over', 'A retry with this Idempotency-Key took the request over; repeat it with the same key to get its answer.');
  }
}

export { UnauthenticatedError };
