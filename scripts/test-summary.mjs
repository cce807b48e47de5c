// Adds up vitest JSON reports and prints the slowest files of each (where CI's time goes) and one
// closing line, "N passed, N failed, N skipped".
import fs from 'node:fs';
import path from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  const slowest = r.testResults
    .map((t) => ({ name: path.relative(process.cwd(), t.name), s: (t.endTime - t.startTime) / 1000 }))
    .sort((a, b) => b.s - a.s)
    .slice(0, 12);
  console.log(`slowest files in ${path.basename(file)}:`);
  for (const t of slowest) console.log(`  ${t.s.toFixed(1).padStart(7)} s  ${t.name}`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
