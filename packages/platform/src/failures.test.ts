import { describe, expect, it } from '@jest/globals';
import { ConnectionException, DeadlockException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { DatabaseError } from 'pg';
import { AppError, UnavailableError, ValidationError } from './errors';
import { failureCause, isDatabaseFault, isInfrastructureFault } from './failures';

function pgError(code: string, message: string): DatabaseError {
  return Object.assign(new DatabaseError(message, 0, 'error'), { code });
}

function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, syscall: 'connect' });
}

// The shapes below are what pg, knex, undici and AbortSignal throw (seen against a real Postgres
// stopped, restarted and starting up; see docs/messaging.md), built here without I/O.
describe('failureCause', () => {
  it('When the database is stopped, restarting or starting up, then it is infrastructure', () => {
    expect(failureCause(pgError('57P01', 'terminating connection due to administrator command'))).toBe('infrastructure');
    expect(failureCause(pgError('57P03', 'the database system is starting up'))).toBe('infrastructure');
    expect(failureCause(pgError('53300', 'sorry, too many clients already'))).toBe('infrastructure');
    expect(failureCause(pgError('08006', 'connection failure'))).toBe('infrastructure');
    expect(failureCause(systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'))).toBe('infrastructure');
    expect(failureCause(new Error('select 1 - Connection terminated unexpectedly'))).toBe('infrastructure');
    expect(failureCause(Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }))).toBe('infrastructure');
    expect(failureCause(new ConnectionException(systemError('ECONNRESET', 'read ECONNRESET')))).toBe('infrastructure');
  });

  it('When another service or the registry does not answer, then it is infrastructure, also when wrapped', () => {
    expect(failureCause(new TypeError('fetch failed', { cause: systemError('ECONNREFUSED', 'connect ECONNREFUSED') }))).toBe('infrastructure');
    expect(failureCause(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }))).toBe('infrastructure');
    expect(failureCause(UnavailableError.dependency('schema-registry'))).toBe('infrastructure');
    expect(failureCause(new Error('outer', { cause: new Error('middle', { cause: systemError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN registry') }) }))).toBe('infrastructure');
  });

  it('When the database refuses this attempt because of concurrent work, then it is contention', () => {
    expect(failureCause(pgError('40P01', 'deadlock detected'))).toBe('contention');
    expect(failureCause(pgError('40001', 'could not serialize access'))).toBe('contention');
    expect(failureCause(new DeadlockException(pgError('40P01', 'deadlock detected')))).toBe('contention');
  });

  it('When the request or the code is at fault, then the cause is unknown and nothing says infrastructure', () => {
    expect(failureCause(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe('unknown');
    expect(failureCause(pgError('23505', 'duplicate key value violates unique constraint'))).toBe('unknown');
    expect(failureCause(new UniqueConstraintViolationException(pgError('23505', 'duplicate key')))).toBe('unknown');
    expect(failureCause(ValidationError.field('name', 'required'))).toBe('unknown');
    expect(failureCause(new AppError({ code: 'order-refused', message: 'no' }))).toBe('unknown');
    expect(isInfrastructureFault(new Error('EPIPE is just a word in this message'))).toBe(false);
  });
});

describe('isDatabaseFault', () => {
  it('When pg or knex lost the database, then it says so; another dependency or a bug is not the database', () => {
    expect(isDatabaseFault(pgError('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(isDatabaseFault(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseFault(Object.assign(new Error('Timeout acquiring a connection'), { name: 'KnexTimeoutError' }))).toBe(true);
    expect(isDatabaseFault(systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:443'))).toBe(false);
    expect(isDatabaseFault(pgError('23505', 'duplicate key'))).toBe(false);
  });
});
