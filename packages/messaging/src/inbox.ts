import type { EntityManager } from '@mikro-orm/postgresql';
import { createPeriodicJob, preparedQuery, quoteIdentifier, type Logger, type Orm, type PeriodicJob } from '@marketbill/platform';

/**
 * Idempotent receipt: the `inbox` table of the service's schema remembers, per consumer group, the
 * ids of the events it has processed. A handler's transaction first records its event's id here;
 * a repeat (Kafka redelivers after a crash between commit and offset commit) finds its id and is
 * skipped, so handlers run once per event although Kafka delivers at least once.
 */
export interface Inbox {
  /** Records one event id in `em`'s transaction; false when it was there already (a repeat). */
  receive(em: EntityManager, topic: string, eventId: string): Promise<boolean>;
  /** Records several event ids in `em`'s transaction; answers those that were new. */
  receiveMany(em: EntityManager, topic: string, eventIds: string[]): Promise<Set<string>>;
  /**
   * Deletes this group's entries older than the retention, in small batches; returns how many.
   * An aborted `signal` ends it between two batches (what was deleted stays deleted).
   */
  prune(signal?: AbortSignal): Promise<number>;
  /** Prunes every hour once started; stopping it ends a running pruning after its current batch. */
  pruning(log: Logger): PeriodicJob;
}

export interface InboxOptions {
  orm: Orm;
  /** The consumer group whose entries these are. */
  groupId: string;
  /**
   * Days an entry is kept (default 100): longer than any topic keeps its messages (90 days), since
   * a redelivery can only come from a message still in Kafka.
   */
  retentionDays?: number;
}

const PRUNE_BATCH = 5_000;
const PRUNE_EVERY_MS = 3_600_000;

/** The inbox of one consumer group in the ORM's schema (the table comes with `messagingMigrations`). */
export function createInbox(options: InboxOptions): Inbox {
  const table = `${quoteIdentifier(options.orm.config.get('schema') ?? 'public')}.inbox`;
  // Named prepared statements on the transaction's connection (platform's preparedQuery): the ORM's
  // execute builds a knex query and formats its parameters into the text for every chunk.
  const insertOne = `insert into ${table} (consumer_group, event_id, topic) values ($1, $2, $3) on conflict do nothing returning 1 as ok`;
  const insertMany = `insert into ${table} (consumer_group, event_id, topic)
           select $1, e, $2 from unnest($3::uuid[]) as e
           on conflict do nothing returning event_id`;

  async function prune(signal?: AbortSignal): Promise<number> {
    const days = options.retentionDays ?? 100;
    let total = 0;
    for (;;) {
      if (signal?.aborted) return total;
      const rows = await options.orm.em
        .fork()
        .getConnection()
        .execute<Array<{ n: number }>>(
          `with old as (select consumer_group, event_id from ${table}
             where consumer_group = ? and processed_at < now() - make_interval(days => ?) limit ${PRUNE_BATCH})
           delete from ${table} i using old
             where i.consumer_group = old.consumer_group and i.event_id = old.event_id
           returning 1 as n`,
          [options.groupId, days],
        );
      total += rows.length;
      if (rows.length < PRUNE_BATCH) return total;
    }
  }

  return {
    async receive(em, topic, eventId) {
      if (!em.isInTransaction()) throw new Error('the inbox records an event inside the transaction of its handler');
      const inserted = await preparedQuery<{ ok: number }>(em, insertOne, [options.groupId, eventId, topic]);
      return inserted.length > 0;
    },
    async receiveMany(em, topic, eventIds) {
      if (!em.isInTransaction()) throw new Error('the inbox records events inside the transaction of their handlers');
      const inserted = await preparedQuery<{ event_id: string }>(em, insertMany, [options.groupId, topic, eventIds]);
      return new Set(inserted.map((r) => r.event_id));
    },
    prune,
    pruning(log) {
      return createPeriodicJob({
        name: 'inbox-pruning',
        intervalMs: PRUNE_EVERY_MS,
        logger: log,
        failureMessage: 'inbox pruning failed',
        async tick(signal) {
          const n = await prune(signal);
          if (n > 0) log.info({ deleted: n }, 'old inbox entries pruned');
        },
      });
    },
  };
}
