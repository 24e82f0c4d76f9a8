import zlib from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A red seal (인감) as an RGBA PNG with transparency, made in code so tests ship no binary. */
export function sealPng(size = 120): Buffer {
  const row = size * 4 + 1;
  const raw = Buffer.alloc(row * size);
  const c = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - c, y - c);
      const ring = r > c * 0.82 && r < c * 0.95;
      const mark = Math.abs(x - c) < c * 0.42 && Math.abs(y - c) < c * 0.42 && (Math.abs(x - c) > c * 0.32 || Math.abs(y - c) > c * 0.32 || Math.abs(x - c) < c * 0.05);
      if (ring || mark) raw.set([200, 30, 30, 230], y * row + 1 + x * 4);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** PNG magic bytes and a header, then pixel data that does not inflate. */
export function corruptPng(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(64, 0);
  header.writeUInt32BE(64, 4);
  header[8] = 8;
  header[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', Buffer.from('this is not zlib data at all, just text pretending to be pixels')),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
