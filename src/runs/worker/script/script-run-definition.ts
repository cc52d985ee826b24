import type { RunOptions } from '../../run-definition';

// Until the request side lands: the shape it accepts (run-definition.ts will own it).
export interface ScriptRunDefinition {
  name: string;
  baseUrl?: string;
  script: {
    files: Record<string, string>;
    grep?: string;
    grepInvert?: string;
    retries: number;
    timeout: number;
    use: Record<string, unknown>;
  };
  env: Record<string, string>;
  secrets: string[];
  options: RunOptions;
  priority: number;
}
