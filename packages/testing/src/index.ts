export { stackEnv, type StackEnv } from './stack-env';
export { secureStack, type SecureStack } from './secure-stack';
export { startSecureRegistry, type SecureRegistry } from './secure-registry';
export { waitFor, type WaitForOptions } from './wait-for';
export { uniqueName, uniqueTopicPrefix } from './names';
export { dropSchema, query } from './database';
export { readTopic, type ReadMessage, type TopicReader } from './topic-reader';
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
export { startSystem, SERVICE_NAMES, type RunningSystem, type ServiceName, type SystemOptions } from './system';
