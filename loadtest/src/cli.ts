import { main } from "./run.ts";

// `pnpm load <profile> …`: see README.md, "Load testing".
const code = await main(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  onInterrupt(stop) {
    let stopping = false;
    const onSigint = () => {
      if (stopping) process.exit(130);
      stopping = true;
      stop();
    };
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigint);
    return () => {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigint);
    };
  },
});
process.exit(code);
