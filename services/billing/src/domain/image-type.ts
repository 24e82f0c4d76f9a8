/** The image types a seal may have, recognised by their first bytes (never by a header or file name). */
export type SealImageType = 'png' | 'jpeg';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

export function sniffImageType(bytes: Uint8Array): SealImageType | undefined {
  const startsWith = (magic: number[]) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
  if (startsWith(PNG)) return 'png';
  if (startsWith(JPEG)) return 'jpeg';
  return undefined;
}
