import { apiKeysRouter, sessionsRouter, signingKeysRouter } from "./routers/access.ts";
import { directoryRouter } from "./routers/directory.ts";
import { maintenanceRouter } from "./routers/maintenance.ts";
import { permissionsRouter, rolesRouter } from "./routers/roles.ts";
import { invitesRouter, passwordResetRouter, sessionProcedures } from "./routers/session.ts";
import { usersRouter } from "./routers/users.ts";
import { router } from "./trpc.ts";

export const authRouter = router({
  maintenance: maintenanceRouter,
  ...sessionProcedures,
  passwordReset: passwordResetRouter,
  invites: invitesRouter,
  users: usersRouter,
  directory: directoryRouter,
  roles: rolesRouter,
  permissions: permissionsRouter,
  sessions: sessionsRouter,
  apiKeys: apiKeysRouter,
  signingKeys: signingKeysRouter,
});

export type AuthRouter = typeof authRouter;
