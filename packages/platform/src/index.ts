export * from './errors';
export * from './config';
export { createLogger, maskPhone, type Logger, type LoggerOptions } from './logger';
export { createHealth, type Health, type ReadinessCheck } from './health';
export { createShutdown, type Shutdown } from './shutdown';
export * from './http';
export { createOrm, migrate, advisoryLockId, databaseCheck, preparedQuery, type Orm, type DatabaseOptions } from './database';
export * from './time';
export { retry, sleep, backoffDelay, type RetryOptions } from './retry';
