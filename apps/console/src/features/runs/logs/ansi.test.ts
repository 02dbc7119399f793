import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi } from './ansi.ts';

const esc = (codes: string) => `\u001b[${codes}m`;

describe('parseAnsi', () => {
  it('keeps a plain line as one unstyled segment', () => {
    expect(parseAnsi('hello world')).toEqual([{ text: 'hello world', className: '' }]);
  });

  it('returns no segment for an empty line', () => {
    expect(parseAnsi('')).toEqual([]);
  });

  it('colours text with the standard and bright foreground codes', () => {
    expect(parseAnsi(`${esc('31')}red${esc('0')} plain ${esc('92')}bright`)).toEqual([
      { text: 'red', className: 'log-fg-red' },
      { text: ' plain ', className: '' },
      { text: 'bright', className: 'log-fg-bright-green' },
    ]);
    expect(parseAnsi(`${esc('30')}a${esc('37')}b${esc('90')}c${esc('97')}d`).map((s) => s.className)).toEqual(
      ['log-fg-black', 'log-fg-white', 'log-fg-bright-black', 'log-fg-bright-white'],
    );
  });

  it('combines bold with a colour, in one sequence or several', () => {
    expect(parseAnsi(`${esc('1;34')}title${esc('')} rest`)).toEqual([
      { text: 'title', className: 'log-fg-blue log-bold' },
      { text: ' rest', className: '' },
    ]);
    expect(parseAnsi(`${esc('1')}${esc('33')}warn${esc('39')}still bold`)).toEqual([
      { text: 'warn', className: 'log-fg-yellow log-bold' },
      { text: 'still bold', className: 'log-bold' },
    ]);
  });

  it('ignores SGR codes it does not draw (background, underline, 256 colours)', () => {
    expect(parseAnsi(`${esc('4;41')}x${esc('38;5;200')}y`)).toEqual([{ text: 'xy', className: '' }]);
    // The 31 here is a colour index, not "red".
    expect(parseAnsi(`${esc('38;5;31')}a${esc('48;2;31;32;33;1')}b`)).toEqual([
      { text: 'a', className: '' },
      { text: 'b', className: 'log-bold' },
    ]);
  });

  it('strips other escape sequences: cursor moves, erase, OSC titles and hyperlinks', () => {
    const line =
      '\u001b[2K\u001b[1Gprogress \u001b]0;title\u0007done \u001b]8;;https://x\u001b\\link\u001b]8;;\u001b\\';
    expect(parseAnsi(line)).toEqual([{ text: 'progress done link', className: '' }]);
    expect(parseAnsi('a\u001b(Bb\u001b[?25lc')).toEqual([{ text: 'abc', className: '' }]);
  });

  it('drops a sequence cut off at the end of the line', () => {
    expect(parseAnsi(`ok\u001b[3`)).toEqual([{ text: 'ok', className: '' }]);
    expect(parseAnsi('ok\u001b')).toEqual([{ text: 'ok', className: '' }]);
  });

  it('merges neighbouring segments of the same style', () => {
    expect(parseAnsi(`${esc('32')}a${esc('32')}b`)).toEqual([{ text: 'ab', className: 'log-fg-green' }]);
  });
});

describe('stripAnsi', () => {
  it('leaves only the text', () => {
    expect(stripAnsi(`${esc('1;31')}error:${esc('0')} failed \u001b[Kx`)).toBe('error: failed x');
  });
});
