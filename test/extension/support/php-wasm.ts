// PHP versions this machine has no interpreter for, run from npm as WebAssembly
// (@php-wasm/node: PHP 7.4 to 8.5, no system install), on the host's files.
import { loadNodeRuntime, useHostFilesystem } from '@php-wasm/node';
import { PHP } from '@php-wasm/universal';

export type WasmPhpVersion = '7.4' | '8.0' | '8.4';

export interface PhpRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** `php <args>` on one PHP version; a new interpreter per run, like a command line. */
export async function runWasmPhp(version: WasmPhpVersion, args: string[]): Promise<PhpRun> {
  const php = new PHP(await loadNodeRuntime(version, { emscriptenOptions: { processId: 1 } }));
  try {
    useHostFilesystem(php);
    const response = await php.cli(['php', '-d', 'display_errors=stderr', '-d', 'error_reporting=-1', ...args]);
    const [stdout, stderr, exitCode] = await Promise.all([response.stdoutText, response.stderrText, response.exitCode]);
    return { stdout, stderr, exitCode };
  } finally {
    php.exit();
  }
}
