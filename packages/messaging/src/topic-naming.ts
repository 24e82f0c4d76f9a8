import { deadLetterTopicOf, subjectOf, TOPICS, type TopicName } from '@marketbill/schemas';

/**
 * Maps the logical topics of `@marketbill/schemas` to physical Kafka topics and registry subjects.
 * In production the prefix is empty; integration tests give every test its own prefix, so each
 * gets fresh topics and fresh registry subjects on the shared local stack.
 */
export interface TopicNaming {
  prefix: string;
  topic(name: TopicName): string;
  deadLetter(name: TopicName): string;
  subject(name: TopicName): string;
  /** The logical topic of a physical one (the inverse of `topic`), or undefined. */
  logical(physical: string): TopicName | undefined;
}

export function createTopicNaming(prefix = ''): TopicNaming {
  const physicalToLogical = new Map<string, TopicName>();
  for (const name of Object.keys(TOPICS) as TopicName[]) physicalToLogical.set(`${prefix}${name}`, name);
  return {
    prefix,
    topic: (name) => `${prefix}${name}`,
    deadLetter: (name) => deadLetterTopicOf(`${prefix}${name}`),
    subject: (name) => subjectOf(`${prefix}${name}`),
    logical: (physical) => physicalToLogical.get(physical),
  };
}
