import ts from 'typescript';

/**
 * Synchronous, cached view of the disk for the project model. The engine's analysis is
 * synchronous, so module resolution, config parsing and lib loading read the disk synchronously
 * (in our own server or CLI process, never on a user's event loop); each answer is cached until
 * `invalidate` is told that files changed.
 */
export class DiskCache {
  private readonly texts = new Map<string, string | undefined>();
  private readonly files = new Map<string, boolean>();
  private readonly directories = new Map<string, boolean>();
  private readonly subdirectories = new Map<string, string[]>();
  private readonly listings = new Map<string, string[]>();
  private readonly realpaths = new Map<string, string>();
  private readonly versions = new Map<string, number>();

  readFile(fileName: string): string | undefined {
    if (this.texts.has(fileName)) return this.texts.get(fileName);
    let text: string | undefined;
    try {
      text = ts.sys.readFile(fileName);
    } catch {
      text = undefined;
    }
    this.texts.set(fileName, text);
    this.files.set(fileName, text !== undefined);
    return text;
  }

  /** The text already read for `fileName`, without reading the disk (undefined when not read or absent). */
  cachedText(fileName: string): string | undefined {
    return this.texts.get(fileName);
  }

  fileExists(fileName: string): boolean {
    const known = this.files.get(fileName);
    if (known !== undefined) return known;
    const exists = ts.sys.fileExists(fileName);
    this.files.set(fileName, exists);
    return exists;
  }

  directoryExists(directory: string): boolean {
    const known = this.directories.get(directory);
    if (known !== undefined) return known;
    const exists = ts.sys.directoryExists(directory);
    this.directories.set(directory, exists);
    return exists;
  }

  getDirectories(directory: string): string[] {
    let found = this.subdirectories.get(directory);
    if (found === undefined) {
      found = this.directoryExists(directory) ? ts.sys.getDirectories(directory) : [];
      this.subdirectories.set(directory, found);
    }
    return found;
  }

  readDirectory(
    root: string,
    extensions?: readonly string[],
    excludes?: readonly string[],
    includes?: readonly string[],
    depth?: number,
  ): string[] {
    const key = JSON.stringify([root, extensions, excludes, includes, depth]);
    let found = this.listings.get(key);
    if (found === undefined) {
      found = ts.sys.readDirectory(root, extensions, excludes, includes, depth);
      this.listings.set(key, found);
    }
    return found;
  }

  realpath(fileName: string): string {
    let real = this.realpaths.get(fileName);
    if (real === undefined) {
      try {
        real = ts.sys.realpath?.(fileName) ?? fileName;
      } catch {
        real = fileName;
      }
      this.realpaths.set(fileName, real);
    }
    return real;
  }

  /** A number that changes whenever `invalidate` names the file. */
  version(fileName: string): number {
    return this.versions.get(fileName) ?? 0;
  }

  /**
   * Files changed, appeared or disappeared: forget their texts, and every existence answer and
   * directory listing (a new file can change module resolution anywhere).
   */
  invalidate(fileNames: readonly string[]): void {
    for (const fileName of fileNames) {
      this.texts.delete(fileName);
      this.versions.set(fileName, this.version(fileName) + 1);
    }
    this.files.clear();
    this.directories.clear();
    this.subdirectories.clear();
    this.listings.clear();
    this.realpaths.clear();
    // Texts of files that no longer exist must not be served either.
    for (const [fileName, text] of this.texts) if (text === undefined) this.texts.delete(fileName);
  }
}
