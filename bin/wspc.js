#!/usr/bin/env node
// `wspc`: runs the conformance checklist against a proxy config. The CLI is TypeScript; tsx runs it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./wspc-main.ts');
process.exitCode = await main(process.argv.slice(2));
