import catalogueData from '../../data/categories.json' with { type: 'json' };

/** How long a category allows for rectification: clock hours or working days. */
export interface TimeLimit {
  unit: 'hours' | 'workdays';
  value: number;
}

/** One entry of the problem-category catalogue (问题类型). */
export interface Category {
  code: string;
  name: string;
  group: string;
  timeLimit: TimeLimit;
  /** Nearest 数字城管 event class; probable only, shown as 参考编码. */
  referenceCode: string | null;
  referenceName: string | null;
  color: string;
  /** Kind of unit a problem of this category goes to by default. */
  defaultUnit: string;
}

export const categories: readonly Category[] = catalogueData.categories as Category[];

export const categoryCodes: readonly string[] = categories.map((c) => c.code);

const byCode = new Map(categories.map((c) => [c.code, c]));

/** The catalogue entry for a code, or undefined for an unknown code. */
export function findCategory(code: string): Category | undefined {
  return byCode.get(code);
}

/** Sources of a problem (来源), in display order. */
export const sources = [
  { code: 'inspection', name: '督导检查' },
  { code: 'mock_evaluation', name: '模拟测评' },
  { code: 'volunteer', name: '志愿巡访' },
  { code: 'grid_patrol', name: '网格巡查' },
  { code: 'public_report', name: '群众举报' },
  { code: 'assigned', name: '上级交办' },
] as const;

export type SourceCode = (typeof sources)[number]['code'];

export const sourceCodes: readonly SourceCode[] = sources.map((s) => s.code);

/** Key-site types (重点点位) from the 测评体系 field-inspection lists. */
export const siteKinds = [
  '社区/小区',
  '背街小巷',
  '主次干道',
  '交通路口',
  '农贸市场',
  '商场超市',
  '学校周边',
  '医院',
  '客运站/公交站点',
  '公园广场',
  '建筑工地',
  '公共厕所',
  '新时代文明实践站',
  '窗口单位',
] as const;

export type SiteKind = (typeof siteKinds)[number];
