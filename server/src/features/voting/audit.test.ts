import { describe, expect, it } from 'vitest';
import { csvCell } from './audit.js';

describe('audit CSV cells', () => {
  it('shows a name that looks like a formula as text, not as a live formula', () => {
    expect(csvCell('=HYPERLINK("http://x","点我")')).toBe(`"'=HYPERLINK(""http://x"",""点我"")"`);
    for (const lead of ['+', '-', '@', '\t', '\r']) expect(csvCell(`${lead}1+1`).replace(/^"/, '').startsWith("'")).toBe(true);
  });
  it('quotes cells with commas, quotes or line breaks, and leaves plain ones alone', () => {
    expect(csvCell('张三')).toBe('张三');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('a\nb')).toBe('"a\nb"');
  });
});
