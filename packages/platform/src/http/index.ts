export { createHttpApp, finishHttpApp, listen, type HttpAppOptions, type RunningServer } from './app';
export { PROBLEM_CONTENT_TYPE, problemHandler, notFoundHandler, toProblem, toAppError, type Problem, type ProblemHandlerOptions } from './problem';
export { parseInput } from './validate';
export { ACTOR_HEADER, actorHeaders, readActorHeader, requireInternalCaller, type InternalCallers } from './internal';
export { beginWarmUp, endWarmUp, isWarmUpRequest } from './warm-up';
export { createServiceClient, type CallOptions, type ServiceClient, type ServiceClientOptions } from './client';
export {
  buildInternalApiDocument,
  cleanJsonSchema,
  componentRef,
  componentSchemas,
  createOperationsRouter,
  createSchemaCatalogue,
  internalOperation,
  mountOperations,
  openApiParameters,
  pageOf,
  pageQuery,
  schemaIdOf,
  toExpressPath,
  type InternalOperation,
  type OperationInput,
  type OperationSpec,
  type SchemaCatalogue,
} from './operation';
