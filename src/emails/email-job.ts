/** What an emails job carries: only the id; the row holds the rest. */
export interface EmailJobData {
  emailId: string;
}

export interface EmailJobResult {
  status: 'sent' | 'skipped';
  messageId?: string;
}
