// Reads schemas/<owner>/<topic>.avsc and schemas/topics.json, and checks the house rules that the
// registry does not: every record, enum and field documented; the event envelope present; named
// types shared by several topics identical wherever they appear; topics.json and the files agree.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface TopicFile {
  topic: string;
  owner: string;
  path: string;
  text: string;
  schema: AvroRecord;
}

export interface TopicMeta {
  key: string;
  partitions: number;
  retentionDays?: number;
  retentionHours?: number;
  compacted?: boolean;
  consumers: string[];
}

export type AvroType = string | AvroRecord | AvroEnum | AvroArray | AvroMap | AvroLogical | AvroType[];
export interface AvroField { name: string; type: AvroType; doc?: string; default?: unknown }
export interface AvroRecord { type: 'record'; name: string; namespace?: string; doc?: string; fields: AvroField[] }
export interface AvroEnum { type: 'enum'; name: string; doc?: string; symbols: string[] }
export interface AvroArray { type: 'array'; items: AvroType }
export interface AvroMap { type: 'map'; values: AvroType }
export interface AvroLogical { type: string; logicalType: string }

export function readTopicFiles(root: string): TopicFile[] {
  const files: TopicFile[] = [];
  for (const owner of readdirSync(root).sort()) {
    const dir = join(root, owner);
    if (!statSync(dir).isDirectory() || ['src', 'dist', 'tools', 'examples', 'node_modules'].includes(owner)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.avsc')) continue;
      const path = join(dir, name);
      const text = readFileSync(path, 'utf8');
      files.push({ topic: name.slice(0, -'.avsc'.length), owner, path, text, schema: JSON.parse(text) as AvroRecord });
    }
  }
  return files;
}

export function readTopicMeta(root: string): Record<string, TopicMeta> {
  return JSON.parse(readFileSync(join(root, 'topics.json'), 'utf8')) as Record<string, TopicMeta>;
}

/** Returns every rule broken, as readable lines; empty when all is well. */
export function lintTopicFiles(files: TopicFile[], meta: Record<string, TopicMeta>): string[] {
  const problems: string[] = [];
  const named = new Map<string, { topic: string; json: string }>();

  const visit = (topic: string, type: AvroType, where: string): void => {
    if (Array.isArray(type)) return type.forEach((t, i) => visit(topic, t, `${where}[${i}]`));
    if (typeof type === 'string') return;
    if (type.type === 'record' || type.type === 'enum') {
      const t = type as AvroRecord | AvroEnum;
      if (!t.doc?.trim()) problems.push(`${topic}: ${t.type} ${t.name} has no doc`);
      const json = JSON.stringify(t);
      const seen = named.get(t.name);
      if (seen && seen.json !== json) {
        problems.push(`${topic}: type ${t.name} differs from its definition in ${seen.topic}; shared types must be identical`);
      }
      if (!seen) named.set(t.name, { topic, json });
      if (t.type === 'record') {
        for (const field of t.fields) {
          if (!field.doc?.trim()) problems.push(`${topic}: field ${t.name}.${field.name} has no doc`);
          visit(topic, field.type, `${where}.${field.name}`);
        }
      }
      return;
    }
    if (type.type === 'array') return visit(topic, (type as AvroArray).items, `${where}[]`);
    if (type.type === 'map') return visit(topic, (type as AvroMap).values, `${where}{}`);
  };

  for (const file of files) {
    const s = file.schema;
    if (s.type !== 'record') problems.push(`${file.topic}: the top-level type must be a record`);
    const eventId = s.fields?.find((f) => f.name === 'eventId');
    const occurredAt = s.fields?.find((f) => f.name === 'occurredAt');
    if (eventId?.type !== 'string') problems.push(`${file.topic}: needs a string field eventId (the dedupe key)`);
    const oType = occurredAt?.type as AvroLogical | undefined;
    if (oType?.type !== 'long' || oType.logicalType !== 'timestamp-millis') {
      problems.push(`${file.topic}: needs a field occurredAt of long/timestamp-millis`);
    }
    if (!/^[a-z]+(\.[a-z-]+)+$/.test(file.topic)) problems.push(`${file.topic}: topic names are lowercase words separated by dots`);
    if (!meta[file.topic]) problems.push(`${file.topic}: missing from topics.json`);
    visit(file.topic, s, file.topic);
  }
  for (const topic of Object.keys(meta)) {
    if (!files.some((f) => f.topic === topic)) problems.push(`${topic}: in topics.json but has no .avsc file`);
  }
  return problems;
}
