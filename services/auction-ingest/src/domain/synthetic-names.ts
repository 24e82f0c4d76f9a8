import type { AuctionCategory } from '@marketbill/schemas';

/**
 * Names for the SYNTHETIC replay data (not market data). Item names (품목) are the real names the
 * aT flower auction uses; the variety names (품종) listed per item are real cultivar names traded in
 * Korea. To reach the several thousand varieties the benchmarks need, further variety names are
 * composed from common cultivar-name parts (`expansionParts`): plausible, but invented.
 */
export interface SyntheticItem {
  name: string;
  /** Typical average price per unit (속 / 분) of the middle grade, KRW. */
  basePrice: number;
  /** Relative share of the category's rows. */
  weight: number;
  /** Real variety names of this item. */
  varieties: string[];
}

export interface SyntheticCategoryNames {
  /**
   * Grade names (T_LEVEL.LV_NAME) best first. 특1 is the aT documentation's example and 특2 appears
   * in published live answers; the others are the standard grade words (특/상/보통): plausible,
   * not a copy of the auction's grade table, which is not public.
   */
  grades: string[];
  items: SyntheticItem[];
  /** Parts composed into invented variety names: every prefix × suffix. */
  expansionParts: { prefixes: string[]; suffixes: string[] };
}

const WESTERN_PARTS = {
  prefixes: ['스위트', '로열', '엔젤', '골든', '문', '스노우', '블루', '러블리', '퀸', '프린세스', '미스', '핑크', '레드', '화이트', '옐로',
    '퍼플', '오렌지', '그린', '피치', '크림', '실버', '다크', '라이트', '매직', '드림', '썬', '레인보우', '클래식', '빈티지', '코랄'],
  suffixes: ['하트', '스타', '레이디', '벨', '캐슬', '키스', '웨이브', '젬', '볼', '샤인', '스카이', '블러쉬', '메모리', '리본', '펄',
    '노바', '판타지', '멜로디', '프라이드', '글로리'],
};

export const SYNTHETIC_NAMES: Record<AuctionCategory, SyntheticCategoryNames> = {
  CUT_FLOWER: {
    grades: ['특1', '특2', '특3', '상', '보통'],
    expansionParts: WESTERN_PARTS,
    items: [
      { name: '장미', basePrice: 9000, weight: 10, varieties: ['레드나오미', '비탈', '하이매직', '푸에고', '아발란체', '스위트아발란체', '핑크아발란체', '피치아발란체', '골든게이트', '러브레터', '카르페디엠', '블루피콕', '미스피기', '스노우화이트', '딥퍼플', '오하라', '줄리엣', '엘리자베스', '디스커버리', '캔디아발란체'] },
      { name: '국화', basePrice: 6000, weight: 7, varieties: ['백마', '신마', '정흥', '세이프', '피나클', '레드스톤', '화이트캐슬', '영광', '아카시아', '그린스파이더'] },
      { name: '스프레이국화', basePrice: 5000, weight: 6, varieties: ['위니', '엘레강스', '프라임', '바카디', '셀렉트', '마리나', '핑크팡팡', '옐로우팡팡'] },
      { name: '카네이션', basePrice: 7000, weight: 5, varieties: ['돈페드로', '마스터', '문라이트', '노비아', '코마치', '헤르메스', '네스', '갈릴레오'] },
      { name: '백합', basePrice: 13000, weight: 4, varieties: ['시베리아', '소르본느', '르보', '티바', '마르코폴로', '옐로윈', '카사블랑카', '로빈'] },
      { name: '튤립', basePrice: 9000, weight: 3, varieties: ['퍼플프린스', '스트롱골드', '화이트프라우드', '레드프린세스', '핑크다이아몬드', '라라'] },
      { name: '거베라', basePrice: 5000, weight: 4, varieties: ['레드라이트닝', '도미니크', '그린벤트', '파스타', '킴시', '톱썬'] },
      { name: '리시안서스', basePrice: 9000, weight: 4, varieties: ['보야지', '로지나', '셀럽', '코레리', '아쿠아', '피콜로'] },
      { name: '안개꽃', basePrice: 11000, weight: 3, varieties: ['오버타임', '밀리언스타', '뉴러브', '엑설런스', '샐린저'] },
      { name: '프리지아', basePrice: 6000, weight: 2, varieties: ['샤이니골드', '오로라', '화이트벨', '아텐션'] },
      { name: '알스트로메리아', basePrice: 6000, weight: 3, varieties: ['에베레스트', '바르셀로나', '모나코', '팔레르모'] },
      { name: '수국', basePrice: 16000, weight: 2, varieties: ['코튼캔디', '에메랄드', '마지컬레볼루션', '블루스카이'] },
      { name: '작약', basePrice: 20000, weight: 1, varieties: ['사라베르나르', '코랄참', '레드참', '듀체스'] },
      { name: '라넌큘러스', basePrice: 10000, weight: 2, varieties: ['엘레강스', '하노이', '클루니', '폼폰'] },
      { name: '해바라기', basePrice: 7000, weight: 1, varieties: ['빈센트', '썬리치', '테디베어'] },
      { name: '카라', basePrice: 12000, weight: 1, varieties: ['웨딩마치', '크리스탈블러쉬', '블랙매직'] },
      { name: '스토크', basePrice: 6000, weight: 1, varieties: ['아이언', '카츠', '센티멘탈'] },
      { name: '유칼립투스', basePrice: 8000, weight: 2, varieties: ['폴리안', '블랙잭', '파블로'] },
    ],
  },
  FOLIAGE: {
    grades: ['특', '상', '보통'],
    expansionParts: WESTERN_PARTS,
    items: [
      { name: '몬스테라', basePrice: 25000, weight: 4, varieties: ['델리시오사', '아단소니', '보르시지아나', '오블리쿠아'] },
      { name: '고무나무', basePrice: 18000, weight: 4, varieties: ['뱅갈', '떡갈', '멜라니', '버건디', '수채화'] },
      { name: '산세베리아', basePrice: 12000, weight: 3, varieties: ['로렌티', '스투키', '문샤인', '하니'] },
      { name: '스킨답서스', basePrice: 7000, weight: 3, varieties: ['골든', '마블퀸', '엔조이', '픽투스'] },
      { name: '야자', basePrice: 22000, weight: 3, varieties: ['아레카', '테이블', '켄차', '관음죽'] },
      { name: '금전수', basePrice: 15000, weight: 2, varieties: ['자미오쿨카스', '레이븐'] },
      { name: '해피트리', basePrice: 20000, weight: 2, varieties: ['녹보수', '소형'] },
      { name: '여인초', basePrice: 30000, weight: 2, varieties: ['극락조', '니콜라이'] },
      { name: '필로덴드론', basePrice: 14000, weight: 3, varieties: ['셀로움', '콩고', '버킨', '핑크프린세스'] },
      { name: '칼라데아', basePrice: 13000, weight: 2, varieties: ['오르비폴리아', '진저', '마코야나'] },
      { name: '안스리움', basePrice: 16000, weight: 2, varieties: ['클라리네르븀', '크리스탈리넘', '레드'] },
      { name: '행운목', basePrice: 10000, weight: 2, varieties: ['드라세나', '맛상게아나'] },
      { name: '올리브나무', basePrice: 35000, weight: 1, varieties: ['아르베키나', '피쿠알'] },
    ],
  },
  ORCHID: {
    grades: ['특', '상', '보통'],
    expansionParts: WESTERN_PARTS,
    items: [
      { name: '호접란', basePrice: 32000, weight: 6, varieties: ['만천홍', '소망', '그린벨', '타이거', '원', '화이트드림'] },
      { name: '심비디움', basePrice: 42000, weight: 4, varieties: ['러브엔젤', '골든걸', '레드퀸', '사라진'] },
      { name: '덴드로비움', basePrice: 15000, weight: 3, varieties: ['킹', '소니아', '화이트폼'] },
      { name: '온시디움', basePrice: 12000, weight: 2, varieties: ['트윙클', '샤리베이비'] },
      { name: '동양란', basePrice: 50000, weight: 2, varieties: ['보세란', '한란', '풍란'] },
      { name: '반다', basePrice: 28000, weight: 1, varieties: ['블루매직', '파치라'] },
    ],
  },
  SPRING_ORCHID: {
    grades: ['특', '상'],
    expansionParts: {
      prefixes: ['태극', '천봉', '용궁', '대명', '금강', '만월', '설악', '선화', '홍운', '은하', '청송', '옥룡', '백운', '서광', '일월',
        '청학', '금룡', '화룡', '명월', '향운', '한라', '지리', '월출', '무등', '송학', '동백', '남해', '영산', '보림', '운림'],
      suffixes: ['선', '봉', '왕', '보', '정', '광', '전', '향', '환', '성', '황', '소', '산', '매', '학', '옥', '원', '화', '운', '휘'],
    },
    items: [
      { name: '소심', basePrice: 120000, weight: 2, varieties: ['태극선', '용궁', '청화'] },
      { name: '홍화', basePrice: 200000, weight: 2, varieties: ['홍운', '단양', '적금'] },
      { name: '황화', basePrice: 150000, weight: 2, varieties: ['황금보', '여명', '금송'] },
      { name: '복륜', basePrice: 90000, weight: 2, varieties: ['대명', '천봉', '만월'] },
      { name: '중투', basePrice: 160000, weight: 2, varieties: ['설악', '금강', '은하'] },
      { name: '산반', basePrice: 70000, weight: 1, varieties: ['서광', '일월', '백운'] },
      { name: '두화', basePrice: 60000, weight: 1, varieties: ['옥룡', '청학'] },
      { name: '주금화', basePrice: 180000, weight: 1, varieties: ['화룡', '명월'] },
    ],
  },
};
