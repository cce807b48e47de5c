import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { AUDIT_ACTIONS, auditActionLabel, isAuditAction, matchingAuditActions } from '../../src/shared/audit/actions';

/**
 * Every action the audit log can record has a Chinese and an English label (src/shared/audit/actions.ts),
 * and the table holds no label nobody records: investigators read labels, and a missing one shows a code.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Where the hook builds the two derived codes: `<action>.end` (streamEnd routes) and `METHOD /path`. */
const HOOK = path.join(ROOT, 'src/server/platform/audit/hook.ts');

/**
 * Action codes written outside route declarations (the job runner, the CLI, the demo seed), read from the
 * source: the dotted string literals of every `action:` and the CLI's auditCli(ctx, '<action>', …).
 * A code built at run time cannot be checked, so one outside the hook is itself a failure.
 */
function recordedInSource() {
  const codes = new Map<string, string>();
  const built: string[] = [];
  for (const file of [...sourceFiles(path.join(ROOT, 'src/server')), ...sourceFiles(path.join(ROOT, 'src/cli'))]) {
    const text = fs.readFileSync(file, 'utf8');
    const where = path.relative(ROOT, file);
    for (const m of text.matchAll(/\baction:\s*([^\n]*)/g)) {
      const expr = m[1]!;
      if (expr.startsWith('`') && file !== HOOK) built.push(`${where}: action: ${expr}`);
      for (const lit of expr.matchAll(/'([a-z][\w-]*(?:\.[\w-]+)+)'/g)) codes.set(lit[1]!, where);
    }
    for (const m of text.matchAll(/auditCli\(\s*ctx,\s*'([^']+)'/g)) codes.set(m[1]!, where);
  }
  return { codes, built };
}

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe('audit action labels', () => {
  it('labels every action of every audited route, with its stream end', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const r of t.app.routeTable) {
      if (r.audit === false) continue;
      const codes = r.audit.streamEnd ? [r.audit.action, `${r.audit.action}.end`] : [r.audit.action];
      for (const code of codes) {
        checked++;
        if (!isAuditAction(code)) missing.push(`${code} (${r.method} ${r.url})`);
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('labels every action recorded outside routes, and no code is built at run time', () => {
    const { codes, built } = recordedInSource();
    expect(built).toEqual([]);
    const missing = [...codes].filter(([code]) => !isAuditAction(code)).map(([code, where]) => `${code} (${where})`);
    expect(missing).toEqual([]);
    // The scan finds what the job runner and the CLI record, not only what routes declare.
    for (const code of ['exchange.pull.full', 'exchange.push.incremental', 'catalog.entry.delete.effective']) {
      expect(codes.has(code)).toBe(true);
    }
    expect(codes.get('user.create')).toBe('src/cli/commands.ts');
  });

  it('has no label for an action nobody records', () => {
    const recorded = new Set(recordedInSource().codes.keys());
    for (const r of t.app.routeTable) {
      if (r.audit === false) continue;
      recorded.add(r.audit.action);
      if (r.audit.streamEnd) recorded.add(`${r.audit.action}.end`);
    }
    expect(Object.keys(AUDIT_ACTIONS).filter((code) => !recorded.has(code))).toEqual([]);
  });

  it('gives every label both languages, and names a denied call to an unaudited route by its path', () => {
    const blank = Object.entries(AUDIT_ACTIONS).filter(([, l]) => !l.zh.trim() || !l.en.trim());
    expect(blank).toEqual([]);
    expect(auditActionLabel('catalog.search')).toEqual({ zh: '目录检索', en: 'Catalog search' });
    expect(auditActionLabel('GET /api/inbox')).toEqual({
      zh: '调用接口 GET /api/inbox',
      en: 'API call GET /api/inbox',
    });
    expect(auditActionLabel('no.such.action')).toEqual({ zh: 'no.such.action', en: 'no.such.action' });
  });

  it('turns a keyword into the action codes whose code or label holds it', () => {
    // 新增部门分类项 holds 新增部门 too.
    expect(matchingAuditActions('新增部门')).toEqual([
      'org.department.create',
      'catalog.class.department_item',
      '新增部门',
    ]);
    expect(matchingAuditActions('Revoke')).toEqual(['sharing.grant.revoke', 'Revoke']);
    expect(matchingAuditActions('catalog.objection.r')).toEqual([
      'catalog.objection.raise',
      'catalog.objection.read',
      'catalog.objection.reopen',
      'catalog.objection.r',
    ]);
    expect(matchingAuditActions('catalog.search')).toEqual(['catalog.search']);
    expect(matchingAuditActions('GET /api/inbox')).toEqual(['GET /api/inbox']);
  });
});
