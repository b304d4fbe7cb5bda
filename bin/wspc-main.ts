import { checkCommand } from './check-command.ts';
import { toolVersion } from '../fixtures/tool.ts';
import { checkIds, groupOf, type CheckGroup } from '../fixtures/checklist.ts';

/** A group's check ids for the help text, from the checklist (one list, never a copy). */
const beyond = (group: CheckGroup) => `${group[0]!.toUpperCase()}${group.slice(1)}: ${checkIds.filter((id) => groupOf(id) === group).join(', ')}.`;

const usage = `Usage: wspc check --proxy nginx|apache|caddy|haproxy|iis --config PATH [...]   (below)
       wspc probe wss://HOST/PATH [...]       the client-side checks against a live deployment (wspc probe --help)
       wspc merge DIR [DIR ...] [--out DIR]   merge a sharded run's reports (wspc merge --help)
       wspc --version

wspc check --proxy nginx|apache|caddy|haproxy|iis --config PATH [--config PATH ...] [options]

Runs every check of the WebSocket reverse-proxy checklist against PATH on the real proxy, in Docker,
and prints the checklist with a diagnosis in the deployment guide's words for each failure.
Several configs run as columns of one run: --proxy names the proxy of the --configs after it
(--proxy nginx --config a.conf --config b.conf --proxy caddy --config Caddyfile).
A version picks the proxy binary: --proxy nginx@1.30 or --proxy nginx@sid (Debian's packages of
bullseye, bookworm (the default), trixie and sid; the image is built on first use).
An IIS web.config (--proxy iis) is validated as a file, on its own: IIS cannot run here.

Options:
  --path /ws           WebSocket path the application uses (default /ws)
  --backend-port 5000  port the config's backend address uses for the application (default 5000)
  --time-scale N       time scale for timeout checks (default 10000: 24 h runs as 8.64 s)
  --json FILE          write the checklist as JSON (same shape as reports/checklist.json); - for stdout
  --markdown FILE      write the checklist as Markdown
  --set NAME=VALUE     fill a placeholder the config leaves open (\${BACKEND}, <server IP>, GOTIFY_PORT);
                       repeat for each; a config with open placeholders stops with exit 2 naming all
  --strict-backend     a backend that follows RFC 9110 section 7.8 (ignores Upgrade on HTTP/1.0)
                       instead of one like Inspect360's Node backend (accepts it); WSPC_BACKEND=strict
  --include FILE       a file the config includes (nginx: include snippets/ws.conf;), sent with it;
                       repeat for each; it runs inlined on its include line
  --connections N      also run the capacity check: hold N authenticated sockets at once through each
                       config and push one message to all of them (1 to 15000; npm test holds 2000
                       through the shipped configs); a failure names the limit and the line to change
  --only ID[,ID]       run only these checks (e.g. http11,keepalive)
  --out DIR            the report folder (default: a new temporary folder)
  --keep-going         a config its proxy refuses is reported as rejected (exit 1) and the other
                       columns still run, instead of stopping the run with exit 2
  --strict             a failed check beyond the guide's checklist fails the run too; without it,
                       it is reported as a finding. ${beyond('transparency')}
                       ${beyond('security')}
                       ${beyond('capacity')}

Environment: WSPC_TIME_SCALE(_<PROXY>) as --time-scale, WSPC_BACKEND=strict as --strict-backend
(npm test reads WSPC_PROXIES too, e.g. nginx,caddy@2.11). DOCKER_HOST=tcp://host:port runs on a
Docker engine elsewhere: then WSPC_BACKEND_ADDRESS=<IP of this machine that its containers reach>.

Exit: 0 every check passed, 1 a check failed, 2 bad input (unknown proxy or version, unreadable file,
a config the proxy rejects or that cannot be adapted), 3 the environment (no Docker engine).`;



export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const help = (word: string | undefined) => word === '--help' || word === '-h' || word === 'help';
  if (command === '--version' || command === '-V') {
    process.stdout.write(`wspc ${toolVersion()}\n`);
    return 0;
  }
  if (command === 'check' && rest.some(help)) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (command === 'check') return checkCommand(rest);
  // Imported when named: the probe's modules (every check, Playwright, testcontainers) took 0.75 s of
  // the 1.2 s `wspc check` spent before it started its run (2 cores, 2026-12-07).
  if (command === 'merge') {
    const { mergeCommand, mergeUsage } = await import('./merge-command.ts');
    if (!rest.some(help)) return mergeCommand(rest);
    process.stdout.write(`${mergeUsage}\n`);
    return 0;
  }
  if (command === 'probe') {
    const { probeCommand, probeUsage } = await import('./probe-command.ts');
    if (!rest.some(help)) return probeCommand(rest);
    process.stdout.write(`${probeUsage}\n`);
    return 0;
  }
  if (help(command)) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  process.stderr.write(command ? `Unknown command "${command}".\n\n${usage}\n` : `${usage}\n`);
  return 2;
}
