import { clientInfo } from "../client.ts";
import { ChangeOwnContactInput, changeOwnContact } from "../domain/contacts.ts";
import { LoginInput, login } from "../domain/login.ts";
import {
  ChangePasswordInput,
  CompleteResetInput,
  changePassword,
  completeWithToken,
  RequestResetInput,
  requestPasswordReset,
} from "../domain/passwords-flow.ts";
import { RefreshInput, refreshSession } from "../domain/refresh.ts";
import { RegisterTenantInput, registerTenant } from "../domain/registration.ts";
import {
  ContactVerified,
  LoggedOut,
  LoginResult,
  MeResult,
  PasswordChanged,
  PasswordSet,
  RefreshResult,
  RegisterResult,
  ResetRequested,
  UserResult,
  VerificationRequested,
} from "../domain/results.ts";
import { logout } from "../domain/sessions.ts";
import { me } from "../domain/user-access.ts";
import {
  RequestVerificationInput,
  requestContactVerification,
  VerifyContactInput,
  verifyContact,
} from "../domain/verification.ts";
import { publicProcedure, router, tenantProcedure } from "../trpc.ts";

/** Signing up, in and out: the public face of auth (plus the caller's own account). */
export const sessionProcedures = {
  /** A company signs up: its tenant in organization and its first admin here; returns tokens. */
  registerTenant: publicProcedure
    .input(RegisterTenantInput)
    .output(RegisterResult)
    .mutation(({ ctx, input }) => registerTenant({ ctx, input, client: clientInfo() })),
  login: publicProcedure
    .input(LoginInput)
    .output(LoginResult)
    .mutation(({ ctx, input }) => login({ ctx, input, client: clientInfo() })),
  /** Rotates a refresh token (each works once; a reused one ends its session, bar a same-client retry). */
  refresh: publicProcedure
    .input(RefreshInput)
    .output(RefreshResult)
    .mutation(({ ctx, input }) => refreshSession({ ctx, input, client: clientInfo() })),
  /** Ends the caller's session. Any signed-in user. */
  logout: tenantProcedure.output(LoggedOut).mutation(({ ctx }) => logout({ ctx })),
  /** The caller, their tenant, roles and permissions. Any signed-in user. */
  me: tenantProcedure.output(MeResult).query(({ ctx }) => me({ ctx })),
  /** Changes one's own password (needs the current one). Any signed-in user. */
  changePassword: tenantProcedure
    .input(ChangePasswordInput)
    .output(PasswordChanged)
    .mutation(({ ctx, input }) => changePassword({ ctx, input, client: clientInfo() })),
  /** Changes one's own e-mail and/or mobile (needs the current password). Any signed-in user. */
  changeContact: tenantProcedure
    .input(ChangeOwnContactInput)
    .output(UserResult)
    .mutation(({ ctx, input }) => changeOwnContact({ ctx, input, client: clientInfo() })),
  /** Sends a link to verify one's own e-mail or mobile. Any signed-in user. */
  requestContactVerification: tenantProcedure
    .input(RequestVerificationInput)
    .output(VerificationRequested)
    .mutation(({ ctx, input }) => requestContactVerification({ ctx, input })),
  /** Marks an address verified with the link sent to it (public: the link is the proof). */
  verifyContact: publicProcedure
    .input(VerifyContactInput)
    .output(ContactVerified)
    .mutation(({ ctx, input }) => verifyContact({ ctx, input })),
};

export const passwordResetRouter = router({
  /** Always answers `{ accepted: true }`, whether or not the account exists. */
  request: publicProcedure
    .input(RequestResetInput)
    .output(ResetRequested)
    .mutation(({ ctx, input }) => requestPasswordReset({ ctx, input, client: clientInfo() })),
  complete: publicProcedure
    .input(CompleteResetInput)
    .output(PasswordSet)
    .mutation(({ ctx, input }) => completeWithToken({ ctx, input, purpose: "reset" })),
});

export const invitesRouter = router({
  /** An invited user sets their password with the invitation token and becomes active. */
  accept: publicProcedure
    .input(CompleteResetInput)
    .output(PasswordSet)
    .mutation(({ ctx, input }) => completeWithToken({ ctx, input, purpose: "invite" })),
});
