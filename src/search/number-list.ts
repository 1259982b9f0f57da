/** A copy of `array` with room for at least `size` entries, doubling at least, so that growing is amortised O(1). */
export function grown<T extends Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(array: T, size: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2));
  bigger.set(array);
  return bigger;
}

/** A growable list of integers in a typed array: scratch that is reused, not reallocated. */
export class NumberList {
  /** Replaced by a larger array as numbers are added; entries past {@link length} mean nothing. */
  items: Int32Array<ArrayBuffer>;
  length = 0;

  constructor(capacity = 256) {
    this.items = new Int32Array(capacity);
  }

  push(n: number): void {
    if (this.length === this.items.length) this.items = grown(this.items, this.length + 1);
    this.items[this.length++] = n;
  }

  /** Makes room for `more` numbers past {@link length}, so they can be written to {@link items} directly. */
  reserve(more: number): void {
    if (this.length + more > this.items.length) this.items = grown(this.items, this.length + more);
  }
}
