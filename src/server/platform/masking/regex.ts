/**
 * Custom regex rules come from department staff, and a pattern such as (a+)+ can pin a CPU for
 * minutes on one crafted value (ReDoS). JavaScript regexes cannot be interrupted, so instead of a
 * timeout the pattern is refused up front: nested repetition, repeated alternation and
 * backreferences are the constructs that backtrack exponentially, and length limits bound the rest.
 */
import { badRequest } from '../errors';

export const MAX_PATTERN_LENGTH = 200;
export const MAX_REPLACEMENT_LENGTH = 200;
/**
 * Patterns that are not exponential can still be polynomial (\d*\d*x takes 30 s on 4096 digits), so a
 * pattern may hold at most MAX_WIDE_REPEATS repeats wider than WIDE (*, +, {2,}, {1,50}) and values
 * longer than MAX_REGEX_INPUT are starred whole instead of being matched: worst case stays in milliseconds.
 */
export const MAX_REGEX_INPUT = 256;
export const MAX_WIDE_REPEATS = 2;
const WIDE = 16;
const MAX_REPEAT = 1000;

const invalid = (message: string, zh: string) => badRequest('MASK_REGEX_INVALID', message, `脱敏正则表达式无效：${zh}`);
const unsafe = (message: string, zh: string) =>
  badRequest('MASK_REGEX_UNSAFE', message, `脱敏正则表达式存在回溯风险：${zh}`);

interface Frame {
  /** Holds a quantifier whose count varies, so one input splits between iterations in many ways. */
  varies: boolean;
  alternates: boolean;
}

/** The quantifier starting at i, or null. */
interface Quantifier {
  len: number;
  /** May match more than once. */
  repeats: boolean;
  /** The count is not fixed: a{4} is unambiguous, a{2,4} and a? are not. */
  varies: boolean;
  wide: boolean;
}

function quantifierAt(p: string, i: number): Quantifier | null {
  const c = p[i];
  if (c === '*' || c === '+') return { len: 1, repeats: true, varies: true, wide: true };
  if (c === '?') return { len: 1, repeats: false, varies: true, wide: false };
  if (c !== '{') return null;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
  if (!m) return null;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
  if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) {
    throw unsafe(`Repeat counts above ${MAX_REPEAT} are not allowed`, `重复次数不得超过${MAX_REPEAT}`);
  }
  return { len: m[0].length, repeats: max > 1, varies: max !== min, wide: max > WIDE };
}

/** Refuse patterns whose backtracking can grow exponentially with the input. */
export function assertSafePattern(p: string): void {
  const stack: Frame[] = [{ varies: false, alternates: false }];
  let lastGroup: Frame | null = null;
  let hasAtom = false;
  let wide = 0;
  for (let i = 0; i < p.length;) {
    const c = p[i]!;
    const top = stack[stack.length - 1]!;
    if (c === '\\') {
      const n = p[i + 1] ?? '';
      if (/[1-9]/.test(n) || (n === 'k' && p[i + 2] === '<')) {
        throw unsafe('Backreferences are not allowed', '不允许使用反向引用');
      }
      i += 2;
      lastGroup = null;
      hasAtom = true;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (p[j] === ']') j++;
      while (j < p.length && p[j] !== ']') j += p[j] === '\\' ? 2 : 1;
      i = j + 1;
      lastGroup = null;
      hasAtom = true;
      continue;
    }
    if (c === '(') {
      stack.push({ varies: false, alternates: false });
      i++;
      if (p[i] === '?') {
        const m = /^\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(p.slice(i));
        i += m ? m[0].length : 1;
      }
      hasAtom = false;
      continue;
    }
    if (c === ')') {
      const frame = stack.length > 1 ? stack.pop()! : top;
      const parent = stack[stack.length - 1]!;
      parent.varies ||= frame.varies;
      parent.alternates ||= frame.alternates;
      lastGroup = frame;
      hasAtom = true;
      i++;
      continue;
    }
    if (c === '|') {
      top.alternates = true;
      lastGroup = null;
      hasAtom = false;
      i++;
      continue;
    }
    const q = hasAtom ? quantifierAt(p, i) : null;
    if (q) {
      if (q.repeats && lastGroup && (lastGroup.varies || lastGroup.alternates)) {
        throw unsafe(
          'Repeated groups may not contain repetition or alternation, e.g. (a+)+ or (a|ab)*',
          '重复的分组内不得再含重复或“|”分支，如 (a+)+、(a|ab)*',
        );
      }
      if (q.varies) top.varies = true;
      if (q.wide && ++wide > MAX_WIDE_REPEATS) {
        throw unsafe(
          `At most ${MAX_WIDE_REPEATS} open-ended repeats (*, +, {n,}) are allowed`,
          `最多允许${MAX_WIDE_REPEATS}个不定次数的重复（*、+、{n,}）`,
        );
      }
      i += q.len;
      if (p[i] === '?') i++;
      lastGroup = null;
      hasAtom = false;
      continue;
    }
    lastGroup = null;
    hasAtom = true;
    i++;
  }
}

/**
 * Validate a custom rule and return the compiled regex and the canonical pattern source (RegExp's
 * own `source`, in which every '/' is escaped, so the text spec can delimit it with slashes).
 */
export function compileSafeRegex(pattern: string, flags: string, replacement: string): { re: RegExp; source: string } {
  if (pattern.length === 0) throw invalid('The pattern is empty', '表达式为空');
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw badRequest(
      'MASK_REGEX_TOO_LONG',
      `The pattern is longer than ${MAX_PATTERN_LENGTH} characters`,
      `脱敏正则表达式超过${MAX_PATTERN_LENGTH}个字符`,
    );
  }
  if (replacement.length > MAX_REPLACEMENT_LENGTH) {
    throw badRequest(
      'MASK_REGEX_TOO_LONG',
      `The replacement is longer than ${MAX_REPLACEMENT_LENGTH} characters`,
      `替换文本超过${MAX_REPLACEMENT_LENGTH}个字符`,
    );
  }
  if (!/^[gimsu]*$/.test(flags) || new Set(flags).size !== flags.length) {
    throw invalid(
      `Unsupported flags "${flags}" (allowed: g, i, m, s, u)`,
      `不支持的标志“${flags}”（可用 g、i、m、s、u）`,
    );
  }
  let re: RegExp;
  let groups: number;
  try {
    re = new RegExp(pattern, flags);
    groups = new RegExp(`(?:${pattern})|`, flags.replace('g', '')).exec('')!.length - 1;
  } catch (e) {
    throw invalid(`The pattern does not compile: ${(e as Error).message}`, '表达式语法错误');
  }
  assertSafePattern(pattern);
  for (const m of replacement.matchAll(/\$(\d\d?)/g)) {
    const n = Number(m[1]!.length === 2 && Number(m[1]) > groups ? m[1]![0] : m[1]);
    if (n > groups)
      throw invalid(
        `The replacement uses $${n} but the pattern has ${groups} group(s)`,
        `替换文本引用了$${n}，但表达式只有${groups}个分组`,
      );
  }
  return { re, source: re.source };
}
