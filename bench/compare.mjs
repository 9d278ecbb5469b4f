// Joins refetch-bench's JSON lines with the anchors' and prints a Markdown table with ratios
// (how many times faster / smaller Refetch is). Usage: node compare.mjs refetch.jsonl anchors.jsonl
import { readFileSync } from 'node:fs'

const read = (file) => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l))
const ours = read(process.argv[2])
const theirs = read(process.argv[3])

const figure = (r) => (r.bytes_per_entry !== undefined ? r.bytes_per_entry : r.ns_per_op)
const fmt = (x) => (x === undefined ? 'n/a' : x >= 1e6 ? `${(x / 1e6).toFixed(2)} ms` : x >= 1e4 ? `${(x / 1e3).toFixed(1)} us` : `${Math.round(x)} ns`)
const show1 = (r) => (r.bytes_per_entry !== undefined ? `${r.bytes_per_entry} B/entry` : fmt(r.ns_per_op))
const find = (system, workload, n) => theirs.find((r) => r.system === system && r.workload === workload && (n === undefined || r.n === n))

console.log('| workload | n | refetch | tanstack | rtkq | x tanstack | x rtkq |')
console.log('| --- | --- | --- | --- | --- | --- | --- |')
for (const r of ours) {
  const t = find('tanstack', r.workload, r.n) ?? find('tanstack', r.workload)
  const k = find('rtkq', r.workload, r.n) ?? find('rtkq', r.workload)
  const sameN = (a) => a && a.n === r.n
  const ratio = (a) => (a && !a.skipped && sameN(a) ? `${(figure(a) / figure(r)).toFixed(1)}x` : a && a.skipped ? 'skipped' : a ? `(n=${a.n})` : 'n/a')
  const show = (a) => (a ? (a.skipped ? `skipped (est. ${fmt(a.estimated_ns_per_op)})` : `${show1(a)}${sameN(a) ? '' : ` @n=${a.n}`}`) : 'n/a')
  console.log(`| ${r.workload}${r.huge_pages === false ? ' (no huge pages)' : ''} | ${r.n} | ${show1(r)} | ${show(t)} | ${show(k)} | ${ratio(t)} | ${ratio(k)} |`)
}
