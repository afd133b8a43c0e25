#!/usr/bin/env node
import { main } from "./main.js";

// exitCode rather than process.exit(): stdout may still be draining into a pipe.
process.exitCode = await main(process.argv);
