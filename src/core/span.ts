/**
 * A region of source text.
 *
 * Offsets are 0-based UTF-16 code unit indexes into the text that was parsed:
 * `start` is the first character and `end` is one past the last. Lines and
 * columns are 1-based, and `endLine`/`endColumn` name the position just after
 * the last character. Every AST node and every analysis item uses this
 * convention.
 */
export interface Span {
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Maps offsets of one text to 1-based lines and columns in O(log lines). */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  position(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low] + 1 };
  }

  span(start: number, end: number): Span {
    const from = this.position(start);
    const to = this.position(end);
    return {
      start,
      end,
      line: from.line,
      column: from.column,
      endLine: to.line,
      endColumn: to.column,
    };
  }
}
