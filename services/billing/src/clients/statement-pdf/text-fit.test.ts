import { describe, expect, it } from '@jest/globals';
import { fitOneLine, fitText, fitTextClipped, MIN_FONT_SIZE, wrapText } from './text-fit';

// A monospaced stand-in for a font: every character is `size` points wide.
const measure = (text: string, size: number) => [...text].length * size;

describe('wrapText', () => {
  it('When a text is wider than the line, then it breaks at spaces, and inside a word only when the word alone is too wide', () => {
    expect(wrapText('서울특별시 서초구 강남대로 27', 60, 10, measure)).toEqual(['서울특별시', '서초구', '강남대로', '27']);
    expect(wrapText('주식회사꿀벌원예양재본점', 50, 10, measure)).toEqual(['주식회사꿀', '벌원예양재', '본점']);
  });

  it('When lines are joined again, then every character is there in order', () => {
    const text = '서울특별시 서초구 강남대로 27 양재꽃시장 화훼유통센터 2층 201호 (양재동, 에이티센터)';
    expect(wrapText(text, 73, 9, measure).join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
  });
});

describe('fitText', () => {
  it('When the text fits one line, then it keeps the largest size', () => {
    expect(fitText('화훼', 100, measure, { max: 9.5 })).toEqual({ size: 9.5, lines: ['화훼'] });
  });

  it('When it fits one line a little smaller, then it shrinks instead of wrapping', () => {
    expect(fitText('화초 및 산식물', 75, measure, { max: 9.5 })).toEqual({ size: 9, lines: ['화초 및 산식물'] });
  });

  it('When it is long, then it wraps onto two lines before going down to the floor, and never below it', () => {
    const fitted = fitText('화초 및 산식물 도소매업', 60, measure, { max: 9.5 });
    expect(fitted.lines.length).toBe(2);
    const long = fitText('가'.repeat(60), 60, measure, { max: 9.5 });
    expect(long.size).toBe(MIN_FONT_SIZE);
    expect(long.lines.join('')).toBe('가'.repeat(60));
  });
});

describe('fitOneLine', () => {
  it('When an amount is too wide for its size, then it shrinks; when it cannot fit at the floor, then it is an error, not a cut figure', () => {
    expect(fitOneLine('9,999,999,999,999', 140, measure, 9).size).toBe(8);
    expect(() => fitOneLine('9,999,999,999,999', 100, measure, 9)).toThrow(RangeError);
  });
});

describe('fitTextClipped', () => {
  it('When a memo needs more lines than allowed, then the last line ends with …', () => {
    const fitted = fitTextClipped('가'.repeat(100), 75, measure, { max: 8.5, maxLines: 3 });
    expect(fitted.lines).toHaveLength(3);
    expect(fitted.lines[2]?.endsWith('…')).toBe(true);
  });
});
