// Child process of the expert benchmark: runs the organizer on one log and reports its own time
// and peak RSS, so the figures exclude node/tsx start-up and the parent's generator memory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getDefaultKnowledgeBase, organize, renderOrganizeMarkdown } from '@voxie/livekit-expert';

const [file, out] = process.argv.slice(2);
if (!file || !out) throw new Error('usage: run-organizer <log file> <output dir>');
const kb = getDefaultKnowledgeBase();
const cpuStart = process.cpuUsage();
const start = process.hrtime.bigint();
const report = await organize({ logs: [file], knowledgeBase: kb });
const markdown = renderOrganizeMarkdown(report, kb);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpuStart);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'report.json'), JSON.stringify(report));
writeFileSync(join(out, 'update.md'), markdown);
console.log(
  JSON.stringify({
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    bytes: report.logs[0]?.bytes ?? 0,
    lines: report.logs[0]?.lines ?? 0,
    groups: report.errorGroups.length,
    problemLines: report.problemLines,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
