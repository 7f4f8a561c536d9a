/** Code meaning "no value" in a text column. */
export const NO_TEXT = 0xffffffff;

/**
 * A dictionary-encoded text column: each row holds a code, each distinct string is kept once.
 * Problem texts repeat a lot (addresses, measures, templated descriptions), so this holds them in
 * far less memory than one string per row.
 */
export class TextColumn {
  codes = new Uint32Array(0);
  private readonly values: string[] = [];
  private readonly index = new Map<string, number>();

  get(row: number): string | null {
    const c = this.codes[row];
    return c === NO_TEXT ? null : this.values[c];
  }

  set(row: number, value: string | null): void {
    if (value === null) {
      this.codes[row] = NO_TEXT;
      return;
    }
    let c = this.index.get(value);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(value);
      this.index.set(value, c);
    }
    this.codes[row] = c;
  }

  /** Grows the column to `capacity` rows, keeping its codes. */
  resize(capacity: number): void {
    const codes = new Uint32Array(capacity);
    codes.set(this.codes.subarray(0, Math.min(capacity, this.codes.length)));
    this.codes = codes;
  }
}
