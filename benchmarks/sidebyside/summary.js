// summary.js RESULTS.tsv REF: checks that every tool gave the same
// headline figures per case as REF (RESULTS.tsv.figures) and prints, per
// case and tool, the minimum wall time, user+sys CPU time and peak RSS over
// the rounds, with each reidrisk build's ratio to each peer (duckdb,
// polars).
'use strict';
const fs = require('fs');
const [file, ref] = process.argv.slice(2);
const figs = {};
let bad = 0;
for (const line of fs.readFileSync(file + '.figures', 'utf8').trim().split('\n')) {
  const [c, tool, f] = line.split('\t');
  figs[c] ??= {};
  if (figs[c][ref] === undefined && tool === ref) figs[c][ref] = f;
  (figs[c].all ??= []).push([tool, f]);
}
for (const [c, v] of Object.entries(figs)) {
  const want = v[ref] ?? v.all[0][1];
  for (const [tool, f] of v.all) {
    if (f !== want) { console.error(`MISMATCH ${c}: ${tool} gave ${f}, ${ref} ${want}`); bad++; }
  }
}
const best = {};
const cases = [], tools = [];
for (const line of fs.readFileSync(file, 'utf8').trim().split('\n')) {
  const [, c, tool, wall, user, sys, rss] = line.split('\t');
  if (!cases.includes(c)) cases.push(c);
  if (!tools.includes(tool)) tools.push(tool);
  const b = (best[c] ??= {})[tool] ??= { wall: Infinity, cpu: Infinity, rss: Infinity, n: 0 };
  b.wall = Math.min(b.wall, +wall); b.cpu = Math.min(b.cpu, +user + +sys); b.rss = Math.min(b.rss, +rss / 1024); b.n++;
}
const f = (x, d = 2) => x.toFixed(d);
const peers = tools.filter((t) => t === 'duckdb' || t === 'polars');
const ours = tools.filter((t) => !peers.includes(t));
const pairs = ours.flatMap((o) => peers.map((p) => [o, p]));
console.log(`| case | ${tools.map((t) => `${t} wall / CPU / RSS`).join(' | ')} | ${pairs.map(([o, p]) => `${o}/${p} wall · CPU · RSS`).join(' | ')} |`);
console.log(`|---|${tools.map(() => '---').join('|')}|${pairs.map(() => '---').join('|')}|`);
for (const c of cases) {
  const row = tools.map((t) => { const b = best[c][t]; return b ? `${f(b.wall)} s / ${f(b.cpu)} s / ${f(b.rss, 0)} MB` : '–'; });
  const ratios = pairs.map(([o, p]) => { const r = best[c][o], b = best[c][p];
    return b && r ? `${f(r.wall / b.wall)} · ${f(r.cpu / b.cpu)} · ${f(r.rss / b.rss)}` : '–'; });
  console.log(`| ${c} | ${row.join(' | ')} | ${ratios.join(' | ')} |`);
}
console.log(`\nfigures: ${bad ? bad + ' MISMATCHES' : 'every tool gave the same rows, classes, k, sample uniques (and k_subjects)'}; minimum of ${Object.values(best[cases[0]])[0].n} rounds`);
process.exit(bad ? 1 : 0);
