export { createKafka, createProducer, kafkaSecurityConfig, type KafkaOptions } from './kafka';
export { createKafkaCheck, type KafkaCheckOptions } from './kafka-check';
export { createTopicNaming, type TopicNaming } from './topic-naming';
export { ensureTopics } from './topics';
export { createRegistryClient, SchemaIncompatibleError, SchemaNotFoundError, RegistryAccessDeniedError, COMPATIBILITY, type RegistryClient } from './registry';
export { createEventCodec, avroTypeOf, InvalidEventError, UndecodableMessageError, type EventCodec } from './codec';
export { publish, publishMany, outboxRecord, OutboxMessageSchema, type OutboxMessage, type OutboxRecord } from './outbox';
export { messagingMigrations, outboxChannel } from './migrations';
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions, type RelayStatus } from './relay';
export {
  createSubscriber,
  isTransient,
  on,
  type EventHandler,
  type BatchEventHandler,
  type BatchHandlerContext,
  type HandlerContext,
  type Subscriber,
  type SubscriberState,
  type PausedPartition,
  type SubscriberOptions,
  type Subscription,
  type TypedSubscription,
} from './subscriber';
export { headersToCarrier } from './tracing';
export { readDeadLetters, readTopicToEnd, replayDeadLetters, type DeadLetterMessage } from './dead-letters';
export { checkCompatibility } from './schema-compatibility';
export { createMessaging, type Messaging, type MessagingOptions, type OutboxBacklog } from './messaging';
