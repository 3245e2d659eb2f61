import type { KnowledgeBase } from '../knowledge/load-knowledge-base.js';
import type { OrganizeReport } from './organize.js';

const FENCE = '```';

/**
 * Renders an organizer report as markdown ready to append to the expert prompt, in the seed's
 * knowledge format (`### Issue`, `**Symptoms**`, `**Solutions**`), grouped by pattern type with a
 * limited number of examples per category.
 */
export function renderOrganizeMarkdown(
  report: OrganizeReport,
  kb: KnowledgeBase,
  maxGroups = 25,
): string {
  const out: string[] = [];
  out.push(`## LiveKit knowledge update (${report.generatedAt.slice(0, 10)})`, '');
  const lines = report.logs.reduce((sum, log) => sum + log.lines, 0);
  out.push(
    `Sources: ${report.logs.length} log file(s), ${lines} lines, ${report.problemLines} warnings/errors in ${report.errorGroups.length} group(s); ` +
      `${report.code.files} source file(s); ${report.config.length} config file(s).`,
    '',
  );
  if (report.errorGroups.length > 0) {
    out.push('### Error patterns from logs', '');
    for (const group of report.errorGroups.slice(0, maxGroups)) {
      out.push(`### Issue: ${group.key}`);
      out.push('**Symptoms**:');
      out.push(
        `- ${group.count} × ${group.level} (${group.formats.join(', ')})` +
          (group.firstSeen ? `, ${group.firstSeen} → ${group.lastSeen}` : '') +
          (group.rooms.length ? `, rooms: ${group.rooms.join(', ')}` : ''),
      );
      for (const sample of group.samples) out.push(`- \`${sample.replace(/`/g, "'")}\``);
      out.push('', '**Solutions**:');
      const best = group.known[0] ? kb.byId(group.known[0].id) : undefined;
      if (best) {
        out.push(`Known issue \`${best.id}\`: ${best.title}.`);
        best.solution.forEach((step, index) => {
          out.push(`${index + 1}. ${step.step}`);
          if (step.code) out.push(`${FENCE}${step.code.language}`, step.code.source, FENCE);
        });
        if (group.known.length > 1)
          out.push(
            `Also related: ${group.known
              .slice(1)
              .map((k) => `\`${k.id}\``)
              .join(', ')}.`,
          );
      } else {
        out.push('1. Not in the knowledge base yet: document the cause and the fix that worked.');
      }
      out.push('');
    }
    if (report.errorGroups.length > maxGroups)
      out.push(`(${report.errorGroups.length - maxGroups} smaller groups omitted)`, '');
  }
  if (report.code.patterns.length > 0) {
    out.push('### Code patterns', '');
    for (const pattern of report.code.patterns) {
      out.push(
        `#### ${pattern.kind} (${pattern.count} occurrence${pattern.count === 1 ? '' : 's'})`,
      );
      for (const example of pattern.examples) {
        const where = `${example.file}:${example.line}${example.function ? ` in \`${example.function}\`` : ''}`;
        out.push(`- ${where}`, `${FENCE}${languageOf(example.file)}`, example.snippet, FENCE);
      }
      out.push('');
    }
  }
  if (report.config.length > 0) {
    out.push('### Configuration examples', '');
    for (const config of report.config) {
      out.push(`#### ${config.file} (${config.kind})`);
      for (const finding of config.findings)
        out.push(`- ${finding.message} (see \`${finding.entryId}\`)`);
      out.push(
        `${FENCE}${config.kind.endsWith('env') ? 'bash' : config.kind === 'json' ? 'json' : 'yaml'}`,
        config.redacted.trimEnd(),
        FENCE,
        '',
      );
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function languageOf(file: string): string {
  if (file.endsWith('.py')) return 'python';
  if (/\.(?:m|c)?jsx?$/.test(file)) return 'js';
  return 'ts';
}
