import type { Command } from 'commander';
import { ConfigError, loadConfigFile } from '../../config/load-config.js';

async function validate(file: string): Promise<number> {
  try {
    const loaded = await loadConfigFile(file);
    const { config } = loaded;
    process.stdout.write(
      `${file}: valid (${config.providers.length} providers, ${config.models.length} models, ${config.clients.length} clients)\n`,
    );
    for (const warning of loaded.warnings) process.stdout.write(`  warning: ${warning.path}: ${warning.message}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
}

export function registerConfig(program: Command): void {
  const config = program.command('config').description('work with gateway configuration');
  config
    .command('validate')
    .argument('<file>', 'config file to check')
    .description('check a config file: schema, references and environment variables (exit 1 when invalid)')
    .action(async (file: string) => {
      process.exitCode = await validate(file);
    });
}
