// Preloaded into every service by `pnpm bench:orders --profile` (NODE_OPTIONS=--import …; Node 20
// refuses --cpu-prof there). The first SIGUSR2 starts the CPU profiler, the second writes the
// profile to $CPU_PROFILE_DIR/<service port>-<pid>.cpuprofile (Chrome DevTools, speedscope), so
// only the measured window is profiled.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";

const session = new Session();
session.connect();
let running = false;
process.on("SIGUSR2", () => {
  if (!running) {
    running = true;
    session.post("Profiler.enable", () => session.post("Profiler.start"));
    return;
  }
  running = false;
  session.post("Profiler.stop", (error, result) => {
    if (error) return;
    const name = `${process.env.PORT ?? "x"}-${process.pid}.cpuprofile`;
    writeFileSync(join(process.env.CPU_PROFILE_DIR ?? ".", name), JSON.stringify(result.profile));
  });
});
