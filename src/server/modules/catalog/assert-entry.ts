import { badRequest } from '../../platform/errors';
import { entryProblems, normaliseEntry, type NormalisedEntry, type RuleKnowledge } from '../../../shared/catalog/rules';
import type { EntryInput } from '../../../shared/catalog/schemas';

/** Throws CATALOG_ENTRY_INVALID (400) carrying every problem, or returns the normalised entry. */
export function assertEntryValid(input: EntryInput, known: RuleKnowledge): NormalisedEntry {
  const problems = entryProblems(input, known);
  if (problems.length) {
    const first = problems[0]!;
    throw badRequest(
      'CATALOG_ENTRY_INVALID',
      `The catalog entry has ${problems.length} problem(s): ${first.message}`,
      `信息资源目录填写有${problems.length}处问题：${first.messageZh}`,
      { problems },
    );
  }
  return normaliseEntry(input);
}
