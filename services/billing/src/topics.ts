import { bindTopics } from '@marketbill/messaging';
import { TOPICS, type TopicEvents } from '@marketbill/schemas';

/**
 * The topics this service speaks, handed to the messaging package once: the published catalogue
 * (`schemas/topics.json`, generated into @marketbill/schemas) bound to the event type of each topic.
 * `service.ts` gives `topics` to the runtime; use cases publish with `publish` / `publishMany` /
 * `outboxRecord`; the subscriptions table pairs each consumed topic with its handler with `on`.
 */
export const topics = bindTopics<TopicEvents>(TOPICS);
export const { on, publish, publishMany, outboxRecord } = topics;
