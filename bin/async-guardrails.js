#!/usr/bin/env node
// The `async-guardrails` command: the bundled CLI next to the extension's server.
require('../dist/cli.js');
