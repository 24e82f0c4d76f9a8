export { stackEnv, type StackEnv } from './stack-env';
export { waitFor, type WaitForOptions } from './wait-for';
export { uniqueName, uniqueTopicPrefix } from './names';
export { dropSchema, query, serviceDatabase } from './database';
export { readTopic, type ReadMessage, type TopicReader } from './topic-reader';
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
export { startSystem, SERVICE_NAMES, type RunningSystem, type ServiceName, type SystemOptions } from './system';
