import { Type } from 'typebox';

const NullableString = Type.Union([Type.String(), Type.Null()]);

/** A dispatch rule (自动派遣) with its names and its words. */
export const DispatchRuleRow = Type.Object({
  category: NullableString,
  communityId: NullableString,
  unitId: Type.String(),
  categoryName: NullableString,
  communityName: NullableString,
  unitName: Type.String(),
  label: Type.String({ description: 'the rule in words: 小广告 / 牛皮癣 × 全镇, 默认规则' }),
});

/** /api/dispatch-rules: the rules in their order. */
export const DispatchRulesAnswer = Type.Object({ rules: Type.Array(DispatchRuleRow) });
