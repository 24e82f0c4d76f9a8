import { deadLetterTopicOf, subjectOf } from '@marketbill/schemas';
import { specOf, type AnyEvents, type EventMap, type TopicCatalog, type TopicOf, type Topics, type TopicSpec } from './topic-catalog';

/**
 * Maps the logical topics of a service's catalogue to physical Kafka topics and registry subjects.
 * In production the prefix is empty; integration tests give every test its own prefix, so each
 * gets fresh topics and fresh registry subjects on the shared local stack.
 */
export interface TopicNaming<E = AnyEvents> {
  prefix: string;
  /** The catalogue the names come from. */
  catalog: TopicCatalog;
  topic(name: TopicOf<E>): string;
  deadLetter(name: TopicOf<E>): string;
  subject(name: TopicOf<E>): string;
  /** The logical topic of a physical one (the inverse of `topic`), or undefined. */
  logical(physical: string): TopicOf<E> | undefined;
  /** The settings and schema of a topic; throws for a name the catalogue does not hold. */
  spec(name: string): TopicSpec;
  /** Whether the catalogue holds a topic of that (logical) name. */
  has(name: string): name is TopicOf<E>;
}

/**
 * A naming seen without its event types: any topic by name. The relay and the subscriber use this
 * view; every `TopicNaming<E>` is one (a structural copy, so TypeScript compares members, not `E`).
 */
export type AnyTopicNaming = { [K in keyof TopicNaming]: TopicNaming[K] };

/** The naming of `topics` (a service's bound catalogue) under `prefix`. */
export function createTopicNaming<E extends EventMap<E>>(topics: Topics<E>, prefix = ''): TopicNaming<E> {
  const { catalog } = topics;
  const has = (name: string): name is TopicOf<E> => Object.prototype.hasOwnProperty.call(catalog, name);
  const physicalToLogical = new Map<string, TopicOf<E>>();
  for (const name of Object.keys(catalog)) if (has(name)) physicalToLogical.set(`${prefix}${name}`, name);
  return {
    prefix,
    catalog,
    topic: (name) => `${prefix}${name}`,
    deadLetter: (name) => deadLetterTopicOf(`${prefix}${name}`),
    subject: (name) => subjectOf(`${prefix}${name}`),
    logical: (physical) => physicalToLogical.get(physical),
    spec: (name) => specOf(catalog, name),
    has,
  };
}
