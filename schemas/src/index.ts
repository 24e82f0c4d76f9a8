import { TOPICS, type TopicEvents } from './generated';

export * from './generated';
export { isRole, parseActor, ROLES, type Actor, type Role } from './ordering/actor';

// The internal HTTP APIs' types, generated from the owners' committed OpenAPI documents
// (schemas/<owner>/internal-api.openapi.json): `BillingApi.StatementDetail`, `CatalogApi.VarietyPage` …
export type * as BillingApi from './internal-apis/billing';
export type * as CatalogApi from './internal-apis/catalog';
export type * as NotifierApi from './internal-apis/notifier';

/** A topic that has a schema in this package. */
export type TopicName = keyof TopicEvents;

/** The settings and schema of one topic. */
export type TopicSpec = (typeof TOPICS)[TopicName];

/** Registry subject of a topic's values (topic-name strategy). */
export function subjectOf(topic: string): string {
  return `${topic}-value`;
}

/** The dead-letter topic of a topic. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/** Every topic name. */
export const TOPIC_NAMES = Object.keys(TOPICS) as TopicName[];

export function isTopicName(value: string): value is TopicName {
  return Object.prototype.hasOwnProperty.call(TOPICS, value);
}

/**
 * The context each sealed field is bound to (authenticated with it, see `createSealer` in
 * @marketbill/platform): part of the contract between the producer that seals and the consumer that
 * opens, like the field names. A sealed value moved to another party or verification does not open.
 */
export const sealedFieldContext = {
  /** `Party.sealedPhone`, and `WholesalerProfileUpdated.sealedOwnerPhone` (the owner is the wholesaler's party). */
  partyPhone: (partyId: string) => `party:${partyId}:phone`,
  /** `VerificationRequested.sealedPhone`. */
  verificationPhone: (verificationId: string) => `verification:${verificationId}:phone`,
  /** `VerificationRequested.sealedCode`. */
  verificationCode: (verificationId: string) => `verification:${verificationId}:code`,
} as const;
