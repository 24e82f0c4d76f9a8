import { describe, expect, it } from '@jest/globals';
import { chosungOf, isChosungQuery, normalizeSearchText, searchGramsOf, searchPlanOf } from './search-text';

describe('Korean search text', () => {
  it('When a name is normalised, then case and whitespace do not matter', () => {
    expect(normalizeSearchText(' 레드 Naomi ')).toBe('레드naomi');
  });

  it('When a name is reduced to 초성, then each syllable becomes its initial consonant', () => {
    expect(chosungOf('장미')).toBe('ㅈㅁ');
    expect(chosungOf('까치 Rose')).toBe('ㄲㅊrose');
  });

  it('When a query has consonant jamo, then it is a 초성 query', () => {
    expect(isChosungQuery('ㅈㅁ')).toBe(true);
    expect(isChosungQuery('장미')).toBe(false);
  });

  it('When a variety is indexed, then the grams of its names and their 초성 are its terms', () => {
    expect(searchGramsOf('장미', '비탈')).toEqual(['ㅁ', 'ㅂ', 'ㅂㅌ', 'ㅈ', 'ㅈㅁ', 'ㅌ', '미', '비', '비탈', '장', '장미', '탈'].sort());
  });

  it('When a query is planned, then every gram it needs is one the matching names were indexed with', () => {
    const terms = new Set(searchGramsOf('장미', '레드나오미'));
    for (const q of ['장', '장미', '나오', '레드나오미', 'ㄹㄷ', 'ㅈㅁ', '장ㅁ']) {
      const plan = searchPlanOf(q)!;
      expect(plan.grams.every((g) => terms.has(g))).toBe(true);
    }
    expect(searchPlanOf('장ㅁ')).toEqual({ mode: 'chosung', text: 'ㅈㅁ', grams: ['ㅈㅁ'] });
    expect(searchPlanOf('나오미')).toEqual({ mode: 'plain', text: '나오미', grams: ['나오', '오미'] });
    expect(searchPlanOf('   ')).toBeUndefined();
  });
});
