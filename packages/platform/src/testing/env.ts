/**
 * The settings integration suites read: the PostgreSQL and Kafka that `npm test` found or started.
 * The only place the testing helpers read the process environment.
 */
export function testSetting(
  name:
    | "TEST_DATABASE_URL"
    | "KAFKA_BROKERS"
    | "TEST_S3_ENDPOINT"
    | "TEST_S3_ACCESS_KEY"
    | "TEST_S3_SECRET_KEY"
    | "TEST_SMTP_URL"
    | "TEST_MAIL_API",
): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set. Run the suites with \`npm test\`, which finds or starts PostgreSQL, Kafka and S3 (S3Proxy), ` +
        `or set ${name} yourself (e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres, KAFKA_BROKERS=127.0.0.1:9092).`,
    );
  }
  return value;
}
