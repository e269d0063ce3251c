/** Types of build.mjs (plain JS so the bootstrap can run it before anything is compiled). */
export function bundlePath(root: string, entry: string): string;
export function ensureBuilt(
  root: string,
  entries: string[],
  options?: { log?: (line: string) => void },
): Promise<{ built: string[]; bundles: Record<string, string> }>;
