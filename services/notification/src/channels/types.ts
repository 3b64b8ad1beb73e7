/** A rendered message ready for a channel. */
export interface OutgoingMessage {
  /** The delivery's id: the mail's Message-ID and the SMS's client reference. */
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
}

/** What a channel answers for an accepted message. */
export interface Accepted {
  providerId: string;
  segments?: number | undefined;
}

/** One way out (SMTP, an .eml folder, an SMS gateway): throws when the message was not accepted. */
export interface Channel {
  readonly name: string;
  send(message: OutgoingMessage): Promise<Accepted>;
}
