import { writeFileSync } from 'node:fs';
import { validateWebConfig, type WebConfigFinding } from '../fixtures/iis/web-config.ts';

const CHECK = 'iis-websocket-rule';

/**
 * IIS cannot run here: a web.config is validated as a file. Same report shape as the proxy runs;
 * exit 0 when the WebSocket rule is right (warnings allowed), 1 when it is not, 2 for malformed XML.
 */
export function checkWebConfig(configName: string, text: string, appPort: number, outputs: { json?: string; markdown?: string }): number {
  const findings = validateWebConfig(text, { backend: `http://localhost:${appPort}` });
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.some((f) => f.id === 'xml-invalid')) {
    process.stderr.write(`wspc: ${configName}: ${errors[0]!.message}${errors[0]!.line ? ` (line ${errors[0]!.line})` : ''}\n`);
    return 2;
  }
  const detail = findings.map((f) => `${f.severity}: ${f.message}${f.suggestion ? `; suggested: ${f.suggestion}` : ''}`).join(' ');
  const status = errors.length === 0 ? 'pass' : 'fail';
  const json = { runtime: 'static', proxies: { iis: { config: configName, rendered: configName, changes: [], checks: { [CHECK]: { status, detail } } } }, controls: [] };
  const markdown = [
    '# WebSocket reverse-proxy checklist (runtime: static)',
    '',
    '| check | iis |',
    '| --- | --- |',
    `| ${CHECK} | ${status === 'pass' ? 'pass' : '**FAIL**'} |`,
    '',
    ...findings.map((f) => line(f, configName)),
    '',
  ].join('\n');
  if (outputs.json) writeFileSync(outputs.json, `${JSON.stringify(json, null, 2)}\n`);
  if (outputs.markdown) writeFileSync(outputs.markdown, markdown);
  process.stdout.write(`${markdown}\n${status === 'pass' ? 1 : 0} passed, ${status === 'pass' ? 0 : 1} failed\n`);
  return status === 'pass' ? 0 : 1;
}

const line = (f: WebConfigFinding, file: string) =>
  `${f.severity === 'error' ? 'FAIL' : 'WARN'} ${CHECK}${f.line ? ` (${file}:${f.line})` : ''}: ${f.message}${f.suggestion ? `\n     suggested: ${f.suggestion}` : ''}`;
