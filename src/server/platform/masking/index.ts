export {
  compileRule,
  mask,
  RULES,
  RULE_CODES,
  ADDRESS_LEVELS,
  MAX_KEEP,
  type MaskRule,
  type Masker,
  type RuleCode,
  type RuleInfo,
  type AddressLevel,
} from './rules';
export { parseRuleSpec, formatRuleSpec, regexRule, MAX_SPEC_LENGTH } from './spec';
export { suggestRule, type MaskableItem } from './suggest';
export { compilePlan, maskText, type PlanColumn, type RowMasker } from './plan';
export { COMPOUND_SURNAMES } from './people';
