export { stackEnv, type StackEnv } from './stack-env';
export { waitFor, type WaitForOptions } from './wait-for';
export { uniqueName, uniqueTopicPrefix } from './names';
export { dropSchema, query } from './database';
export { readTopic, type ReadMessage, type TopicReader } from './topic-reader';
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
export { startSystem, serviceProcess, freePort, SERVICE_NAMES, type RunningSystem, type ServiceName, type ServiceProcess, type SystemOptions } from './system';
export { startTcpProxy, type TcpProxy } from './tcp-proxy';
export { startBalancer, type Balancer } from './balancer';
