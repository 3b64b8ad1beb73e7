/** A rendered message ready for a channel. */
export interface OutgoingMessage {
  /** The delivery's id: the mail's Message-ID and the SMS's client reference. */
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  /** Files sent with an e-mail (e.g. a generated PDF); SMS ignore them. */
  attachments?: Attachment[] | undefined;
}

/** A file as a mail carries it (a MIME part of its own). */
export interface Attachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
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
