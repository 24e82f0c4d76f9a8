import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Type } from 'avsc';
import { TOPIC_NAMES, TOPICS } from './index';

const root = join(__dirname, '..');

describe('topic schemas', () => {
  it.each(TOPIC_NAMES)('When the example of %s is encoded with its schema, then it round-trips unchanged', (topic) => {
    const type = Type.forSchema(JSON.parse(TOPICS[topic].schema));
    const example = JSON.parse(readFileSync(join(root, 'examples', `${topic}.json`), 'utf8'));
    const errors: string[] = [];
    const valid = type.isValid(example, { errorHook: (path) => errors.push(path.join('.')) });
    expect(errors).toEqual([]);
    expect(valid).toBe(true);
    expect(type.fromBuffer(type.toBuffer(example))).toEqual(example);
  });

  it('When an event misses a required field, then the schema rejects it', () => {
    const type = Type.forSchema(JSON.parse(TOPICS['order.placed'].schema));
    const example = JSON.parse(readFileSync(join(root, 'examples', 'order.placed.json'), 'utf8'));
    delete example.order.orderNumber;
    expect(type.isValid(example)).toBe(false);
  });

  it('When the schema text is embedded, then it is the .avsc file byte for byte in its compact form', () => {
    for (const topic of TOPIC_NAMES) {
      const spec = TOPICS[topic];
      const file = readFileSync(join(root, spec.owner, `${topic}.avsc`), 'utf8');
      expect(spec.schema).toBe(JSON.stringify(JSON.parse(file)));
    }
  });
});
