import { describe, expect, it } from 'vitest';
import { likeness, matchCategory } from '../../server/exchange/category-match.ts';

describe('a sheet’s 问题类型 to the catalogue', () => {
  it('names, parts of names and the words towns use match exactly', () => {
    for (const [text, code] of [
      ['小广告 / 牛皮癣', 'flyers'],
      ['牛皮癣', 'flyers'],
      ['小广告', 'flyers'],
      ['flyers', 'flyers'],
      ['占道经营', 'shop_spillover'],
      ['违章停车', 'parking_motor'],
      ['乱扔乱倒', 'littering'],
      [' 暴露垃圾 ', 'littering'],
      ['私搭乱建', 'illegal_building'],
      ['飞线充电', 'flying_wires'],
    ] as const)
      expect(matchCategory(text), text).toEqual({ code, score: 1, exact: true });
  });

  it('other words get the likeliest category as a proposal to confirm, or none', () => {
    expect(matchCategory('电线杆上乱贴小广告')).toMatchObject({ code: 'flyers', exact: false });
    expect(matchCategory('电动车乱停放')).toMatchObject({ code: 'parking_nonmotor', exact: false });
    expect(matchCategory('门前三包落实不到位')).toMatchObject({ code: 'frontage_duty', exact: false });
    const p = matchCategory('违规晾晒');
    expect(p).toMatchObject({ code: 'drying_clothes', exact: false });
    expect(p?.score).toBeLessThan(1);
    expect(matchCategory('噪音扰民')).toBeNull();
    expect(matchCategory('')).toBeNull();
    expect(likeness('乱晾乱晒', '乱晾乱晒')).toBe(1);
    expect(likeness('乱晾乱晒', '噪音扰民')).toBe(0);
  });
});
