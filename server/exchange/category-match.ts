import { categories } from '../domain/catalogue.ts';

/**
 * A sheet's 问题类型 to a category of the catalogue: by its name or a part of it (小广告 / 牛皮癣),
 * by the words towns use for it, else by likeness of characters — a likeness the wizard shows for
 * the clerk to confirm in its mapping step.
 */

/** Words towns write for a category, besides its own name (and 数字城管's 参考名称). */
const SYNONYMS: Record<string, readonly string[]> = {
  parking_nonmotor: ['乱停车', '电动车乱停', '自行车乱停', '共享单车乱停', '非机动车乱停'],
  parking_motor: ['机动车乱停', '违停', '违章停车', '乱停车辆'],
  shop_spillover: ['占道经营', '出店经营', '店外摆放', '越门经营', '跨门营业'],
  street_vendor: ['摊贩', '流动摊贩', '游商', '占道摆摊', '乱摆摊'],
  frontage_duty: ['门前三包', '三包'],
  littering: ['乱扔垃圾', '乱倒垃圾', '垃圾乱倒', '垃圾', '暴露垃圾', '垃圾乱堆'],
  piling: ['乱堆放', '堆物堆料', '杂物乱堆'],
  dirty_area: ['卫生死角', '脏乱差', '环境脏乱', '卫生差'],
  illegal_building: ['违建', '违章搭建', '私搭乱建', '违法建设', '乱搭建'],
  graffiti: ['乱涂画', '涂鸦', '乱写乱画'],
  flyers: ['小广告', '牛皮癣', '乱贴小广告', '野广告', '非法小广告'],
  publicity_missing: ['公益广告', '公益广告缺失', '宣传氛围不足'],
  facility_damage: ['设施损坏', '设施破损', '公共设施损坏'],
  greenbelt_damage: ['黄土裸露', '绿化损毁', '毁绿'],
  flying_wires: ['飞线充电', '私拉电线', '私拉乱接', '飞线'],
  drying_clothes: ['乱晾晒', '乱晒', '沿街晾晒'],
};

const norm = (s: string) => s.replace(/[\s/／、,，.。()（）·•-]/g, '').toLowerCase();

/** Every name a category answers to exactly, normalised. */
const EXACT = new Map<string, string>();
for (const c of categories) {
  for (const word of [c.code, c.name, ...c.name.split('/'), c.referenceName ?? '', ...(SYNONYMS[c.code] ?? [])]) {
    const key = norm(word);
    if (key && !EXACT.has(key)) EXACT.set(key, c.code);
  }
}

/** The character pairs of a text (its bigrams), for the likeness of two names. */
function bigrams(s: string): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < s.length - 1; i++) {
    const g = s.slice(i, i + 2);
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** Sørensen–Dice likeness of two texts' bigrams, 0–1 (one-character texts compare as equal or not). */
export function likeness(a: string, b: string): number {
  if (a.length < 2 || b.length < 2) return a === b ? 1 : 0;
  const x = bigrams(a);
  const y = bigrams(b);
  let shared = 0;
  for (const [g, n] of x) shared += Math.min(n, y.get(g) ?? 0);
  return (2 * shared) / (a.length - 1 + (b.length - 1));
}

export interface CategoryMatch {
  code: string;
  /** 1 for a name or a known word; below, the likeness to the nearest one. */
  score: number;
  /** Exact: imported as is; otherwise proposed, for the clerk to confirm. */
  exact: boolean;
}

/** The least likeness proposed at all. */
const PROPOSE_AT = 0.4;

/** The category a sheet's text names, or the likeliest one to propose, or null. */
export function matchCategory(text: string): CategoryMatch | null {
  const key = norm(text);
  if (!key) return null;
  const exact = EXACT.get(key);
  if (exact) return { code: exact, score: 1, exact: true };
  let best: CategoryMatch | null = null;
  for (const [word, code] of EXACT) {
    // a known word inside the text (乱贴小广告两处 → 小广告) counts as much as its share of the text
    const contained = word.length >= 2 && key.includes(word) ? Math.min(0.95, 0.5 + word.length / key.length / 2) : 0;
    const score = Math.max(contained, likeness(key, word));
    if (score >= PROPOSE_AT && (!best || score > best.score)) best = { code, score, exact: false };
  }
  return best;
}
