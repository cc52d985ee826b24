/** What an emails job carries: the id (the row holds the rest). */
export interface EmailJobData {
  emailId: string;
  /** Set when the SMTP server accepted the message and the database could not record it: the retry only records it. */
  acceptedAt?: string;
}

export interface EmailJobResult {
  status: 'sent' | 'skipped';
  messageId?: string;
}
