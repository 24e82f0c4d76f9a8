import { afterEach, describe, expect, it } from '@jest/globals';
import { madeInRun, TEST_RUN_VARIABLE, uniqueName, uniqueTopicPrefix } from './names';

const saved = process.env[TEST_RUN_VARIABLE];
afterEach(() => {
  if (saved === undefined) delete process.env[TEST_RUN_VARIABLE];
  else process.env[TEST_RUN_VARIABLE] = saved;
});

describe("a test run's names", () => {
  it('When a run is tagged, then every name made in it is recognised as its own, with what services add to it', () => {
    process.env[TEST_RUN_VARIABLE] = 'mx9abc01';
    const prefix = uniqueTopicPrefix();
    const system = uniqueName('sys');
    expect(prefix).toMatch(/^t_mx9abc01[0-9a-f]{8}\.$/);
    for (const name of [
      `${prefix}auction.price.updated`,
      `${prefix}auction.price.updated.dlq`,
      `${prefix}auction.price.updated-value`,
      `${system}_auction_ingest`,
      `${system}.catalog`,
      uniqueName('notifier_sender'),
      uniqueName('sec-scram-sha-256'),
    ]) {
      expect({ name, own: madeInRun(name, 'mx9abc01') }).toEqual({ name, own: true });
    }
  });

  it("When a name belongs to another run, the benchmarks or the services, then it is not the run's", () => {
    process.env[TEST_RUN_VARIABLE] = 'mx9abc02';
    const other = uniqueName('t');
    for (const name of [
      `${other}.auction.price.updated`,
      'bench0bc3ab.auction.price.updated-value',
      'auction.price.updated',
      'catalog',
      // the tag without its eight hex characters is not a name made in the run
      't_mx9abc01234abcd.x',
      't_mx9abc01abc.x',
      'zmx9abc01_x_mx9abc01',
      'T_mx9abc0112345678',
    ]) {
      expect({ name, own: madeInRun(name, 'mx9abc01') }).toEqual({ name, own: false });
    }
  });

  it('When no run is tagged, then names keep their shape: the current time and eight hex characters', () => {
    delete process.env[TEST_RUN_VARIABLE];
    const before = Date.now();
    const name = uniqueName('svc');
    const match = /^svc_([0-9a-z]+)([0-9a-f]{8})$/.exec(name);
    expect(match).not.toBeNull();
    expect(parseInt(match?.[1] as string, 36)).toBeGreaterThanOrEqual(before);
    expect(uniqueName('svc')).not.toBe(name);
  });

  it('When a run tag is not base 36, then matching refuses it instead of building a pattern from it', () => {
    expect(() => madeInRun('t_x', '.*')).toThrow(/not a test run tag/);
  });
});
