/** One file that a host's user-data writes: what `warren render --file` prints and the tests check. */
export interface RenderedFile {
  /** Absolute path on the instance. */
  readonly path: string;
  readonly content: string;
  /** `user:group` as cloud-init's write_files takes it. */
  readonly owner: string;
  /** Octal mode as a string, e.g. `'0640'`. */
  readonly permissions: string;
}
