import { AppError, ForbiddenError } from '@marketbill/platform';

/**
 * An event that can never become an SMS (no valid number, a value no template knows). Not
 * retriable: the same bytes fail the same way, so the subscriber dead-letters the event with this
 * code and moves on. Different from a delivery the provider refuses, which is recorded FAILED.
 */
export class UnsendableEventError extends AppError {
  static invalidRecipient(template: string, field: string): UnsendableEventError {
    return new UnsendableEventError({
      code: 'sms-invalid-recipient',
      message: `The ${template} SMS has no valid mobile number in ${field}.`,
      details: { template, field },
    });
  }

  static unknownValue(field: string, value: string): UnsendableEventError {
    return new UnsendableEventError({
      code: 'sms-unknown-value',
      message: `No SMS template handles ${field} = ${JSON.stringify(value).slice(0, 60)}.`,
      details: { field },
    });
  }
}

/** The delivery log is for administrators only (the edge checks too; this is defence in depth). */
export class AdminRequiredError extends ForbiddenError {
  static forDeliveryLog(): AdminRequiredError {
    return new AdminRequiredError({ code: 'admin-required', message: 'Only an administrator may read the delivery log.', httpStatus: 403 });
  }
}
