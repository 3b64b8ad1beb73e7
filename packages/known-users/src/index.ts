export {
  type CheckContext,
  createKnownUsers,
  type KnownUsers,
  type KnownUsersOptions,
  type UserRef,
} from "./check.ts";
export { AUTH_USER_TOPIC, knownUsersWiring, startKnownUsersConsumer } from "./consumer.ts";
export { authDirectory, authUrlFrom, LOOKUP_MAX_IDS, LookupAnswer, type UserDirectory } from "./directory.ts";
export { knownUsersHandler, recordUsers, type UserFact } from "./record.ts";
export { type KnownUserStatus, type KnownUsersTable, knownUsersTable, USER_STATUSES } from "./table.ts";
