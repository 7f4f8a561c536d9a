import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { categories, findCategory } from '../domain/catalogue.ts';
import { checkDispatchRules, type DispatchRule, describeRule, matchDispatchRule } from '../domain/dispatch.ts';
import { RequestError } from '../errors.ts';
import { ErrorResponse, errorResponses, guardedResponses } from '../schemas/common.ts';
import { DispatchRulesAnswer } from '../schemas/dispatch.ts';
import type { Store } from '../store/store.ts';
import type { TownData } from '../town-data.ts';

/** The dispatch rules in force, kept in memory (read on every report) and saved through the store. */
export class DispatchBook {
  #rules: DispatchRule[];

  private constructor(
    private readonly store: Store,
    rules: DispatchRule[],
  ) {
    this.#rules = rules;
  }

  static async load(store: Store): Promise<DispatchBook> {
    return new DispatchBook(store, await store.dispatchRules());
  }

  get rules(): readonly DispatchRule[] {
    return this.#rules;
  }

  /** The rule that dispatches a new problem, or null (it waits for an admin). */
  match(category: string, communityId: string): DispatchRule | null {
    return matchDispatchRule(this.#rules, category, communityId);
  }

  async replace(rules: DispatchRule[]): Promise<void> {
    await this.store.saveDispatchRules(rules);
    this.#rules = rules;
  }

  /** Reads the rules again (another process saved them). */
  async reload(): Promise<void> {
    this.#rules = await this.store.dispatchRules();
  }
}

/** A rule with the names of its codes and its words, as the API gives it. */
export function ruleJson(rule: DispatchRule, town: TownData) {
  return {
    ...rule,
    categoryName: rule.category === null ? null : (findCategory(rule.category)?.name ?? rule.category),
    communityName: rule.communityId === null ? null : (town.communityById.get(rule.communityId)?.name ?? rule.communityId),
    unitName: town.unitById.get(rule.unitId)?.name ?? rule.unitId,
    label: describeRule(rule, ruleNames(town)),
  };
}

/** Display names for describing a rule. */
export const ruleNames = (town: TownData) => ({
  category: (code: string) => findCategory(code)?.name ?? code,
  community: (id: string) => town.communityById.get(id)?.name ?? id,
});

const RuleInput = Type.Object(
  {
    // Null first: with type coercion on, a null would otherwise become the string "".
    category: Type.Union([Type.Null(), Type.String({ maxLength: 64 })], { description: 'category code; null = any' }),
    communityId: Type.Union([Type.Null(), Type.String({ maxLength: 64 })], { description: 'community id; null = any' }),
    unitId: Type.String({ maxLength: 64 }),
  },
  { additionalProperties: false },
);

/** 自动派遣: the rules that assign a new report to its responsible unit at once. */
const dispatchRoutes: FastifyPluginAsyncTypebox<{ book: DispatchBook }> = async (app, { book }) => {
  const answer = () => ({ rules: book.rules.map((r) => ruleJson(r, app.townData)) });

  app.get(
    '/api/dispatch-rules',
    {
      config: { access: 'users' },
      schema: {
        tags: ['problems'],
        summary: '自动派遣规则：问题类型 × 村居 → 责任单位（含默认规则）',
        description:
          'A new report goes to the unit of the most specific matching rule: category and community, then category, then community, then the default.',
        response: { 200: DispatchRulesAnswer, ...errorResponses, ...guardedResponses },
      },
    },
    async () => answer(),
  );

  app.put(
    '/api/dispatch-rules',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['problems'],
        summary: '保存自动派遣规则（仅管理员；整体替换）',
        description: 'Replaces every rule. 422 names the first wrong field (`rules/3/unitId`); nothing is saved then.',
        body: Type.Object({ rules: Type.Array(RuleInput, { maxItems: 5000 }) }, { additionalProperties: false }),
        response: { 200: DispatchRulesAnswer, ...errorResponses, ...guardedResponses, 422: ErrorResponse },
      },
    },
    async (req) => {
      const rules = req.body.rules;
      const errors = checkDispatchRules(rules, {
        categories: new Set(categories.map((c) => c.code)),
        communities: new Set(app.townData.communityById.keys()),
        units: new Set(app.townData.unitById.keys()),
      });
      if (errors.length > 0) throw new RequestError(422, 'invalid_rule', errors[0].field, errors[0].message);
      await book.replace(rules);
      await app.feed.notice({ kind: 'dispatch' });
      await app.audit(req, 'dispatch.rules', 'dispatch_rules', null, { rules: rules.length });
      return answer();
    },
  );
};

export default dispatchRoutes;
