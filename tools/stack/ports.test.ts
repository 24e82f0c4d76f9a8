import { afterAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bindFailureIn, ephemeralPortsNote, ephemeralRange, portsByVariable, readPorts } from './ports.ts';

const dirs: string[] = [];
function procDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-ports-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the stack’s ports', () => {
  it('default to a block below this kernel’s ephemeral range, so no outgoing connection can hold one', () => {
    const ports = readPorts({});
    const range = ephemeralRange();
    for (const port of Object.values(ports)) expect(port).toBeLessThan(range.low);
    expect(ephemeralPortsNote(portsByVariable(ports), range)).toBeUndefined();
    expect(ports.kafkaSasl).toBe(ports.kafka + 2);
  });

  it('names each port set inside the range, unless it is reserved', () => {
    const range = ephemeralRange(procDir({ ip_local_port_range: '32768\t60999\n', ip_local_reserved_ports: '43092-43094,43432\n' }));
    expect(range).toMatchObject({ low: 32768, high: 60999 });
    const ports = portsByVariable(readPorts({ MB_PG_PORT: '43432', MB_KAFKA_PORT: '43092', MB_KAFKA_CONTROLLER_PORT: '43093', MB_S3_PORT: '48333' }));
    const note = ephemeralPortsNote(ports, range);
    // Postgres and Kafka's three are reserved; S3 is not; the registry kept its default below the range.
    expect(note).toContain("MB_S3_PORT=48333 lies in the kernel's ephemeral port range (32768–60999)");
    expect(note).not.toMatch(/MB_PG_PORT|MB_KAFKA|MB_REGISTRY/);
  });

  it('falls back to Linux’s default range when /proc says nothing', () => {
    const range = ephemeralRange(procDir({}));
    expect([range.low, range.high]).toEqual([32768, 60999]);
    expect(ephemeralPortsNote({ MB_PG_PORT: 40000 }, range)).toContain('MB_PG_PORT=40000');
  });

  it('refuses a port that is not a port, and two components on one port', () => {
    expect(() => readPorts({ MB_S3_PORT: '70000' })).toThrow('MB_S3_PORT=70000 is not a TCP port number');
    expect(() => readPorts({ MB_S3_PORT: '26092' })).toThrow('both 26092');
  });
});

describe('a Kafka broker that could not bind', () => {
  it('is reported with the address from its log, not the stack trace below it', () => {
    const log = [
      '[2026-12-03 17:23:03,601] ERROR [KafkaServer id=1] Fatal error during startup. (kafka.server.KafkaRaftServer)',
      'org.apache.kafka.common.KafkaException: Socket server failed to bind to 127.0.0.1:59094: Address already in use.',
      '\tat kafka.network.Acceptor.openServerSocket(SocketServer.scala:620)',
      'Caused by: java.net.BindException: Address already in use',
    ].join('\n');
    expect(bindFailureIn(log)).toBe('could not bind 127.0.0.1:59094 (Address already in use)');
    expect(bindFailureIn('[2026-12-03] INFO Kafka Server started')).toBeUndefined();
  });
});
