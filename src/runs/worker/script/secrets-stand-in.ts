import { Injectable } from '@nestjs/common';

// Until the secrets feature lands: no secrets, nothing to redact.
@Injectable()
export class SecretsVault {
  reveal(names: string[]): Promise<Record<string, string>> {
    if (names.length) return Promise.reject(new Error('secrets are not available yet'));
    return Promise.resolve({});
  }
}
export class Redactor {
  constructor(private readonly values: Record<string, string>) {}
  text(text: string): string {
    return text;
  }
}
