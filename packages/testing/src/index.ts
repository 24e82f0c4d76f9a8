export { stackEnv, type StackEnv } from './stack-env';
export { waitFor, type WaitForOptions } from './wait-for';
export { uniqueName, uniqueTopicPrefix } from './names';
export { dropSchema, query } from './database';
export { readTopic, type ReadMessage, type TopicReader } from './topic-reader';
