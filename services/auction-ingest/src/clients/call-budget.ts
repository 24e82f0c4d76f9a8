/**
 * Who is asking for aT calls. The schedule (today's prices) may spend the whole daily budget; a
 * backfill only what is left above the share kept for the schedule, so a long backfill never
 * starves the next morning's import.
 */
export type CallPriority = 'schedule' | 'backfill';

export interface CallBudgetStatus {
  /** The Seoul day the budget counts (the aT server resets its counter at Seoul midnight). */
  day: string;
  used: number;
  limit: number;
  /** The most a backfill may use that day (limit minus the schedule's share). */
  backfillLimit: number;
  /** True once the server itself said its daily limit was reached (resultCd 4). */
  exhausted: boolean;
  /** When the next day's budget starts. */
  resetsAt: Date;
}

/**
 * The aT service key's daily call budget, shared by every process using the key (kept in the
 * database). Each request to the aT server takes one call first, so a retry, a larger page or a
 * repair request is counted like any other; calls that failed still count, because whether the
 * server counted them cannot be known.
 */
export interface CallBudget {
  /** Takes one call of today's budget for `priority`; false when none is left. */
  take(priority: CallPriority): Promise<boolean>;
  /** The server answered "daily call limit reached": nothing more today, whatever we counted. */
  markExhausted(): Promise<void>;
  status(): Promise<CallBudgetStatus>;
}
