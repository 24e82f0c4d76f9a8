export { createHttpApp, finishHttpApp, listen, type HttpAppOptions, type RunningServer } from './app';
export { PROBLEM_CONTENT_TYPE, problemHandler, notFoundHandler, toProblem, type Problem } from './problem';
export { parseInput } from './validate';
