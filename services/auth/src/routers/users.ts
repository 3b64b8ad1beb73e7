import { ChangeUserContactInput, changeUserContact } from "../domain/contacts.ts";
import { AssignRolesResult, InviteResult, UserPage, UserResult, UserWithRoles } from "../domain/results.ts";
import { AssignRolesInput, assignRoles, DeactivateUserInput, deactivateUser } from "../domain/user-access.ts";
import {
  GetUserInput,
  getUser,
  InviteUserInput,
  inviteUser,
  ListUsersInput,
  listUsers,
  UpdateUserInput,
  updateUser,
} from "../domain/users.ts";
import { router, tenantProcedure } from "../trpc.ts";

export const usersRouter = router({
  list: tenantProcedure
    .meta({ permission: "auth:user:read" })
    .input(ListUsersInput)
    .output(UserPage)
    .query(({ ctx, input }) => listUsers({ ctx, input })),
  get: tenantProcedure
    .meta({ permission: "auth:user:read" })
    .input(GetUserInput)
    .output(UserWithRoles)
    .query(({ ctx, input }) => getUser({ ctx, input })),
  /** The invitation link goes to the invited address only (by the courier), never back to the inviter. */
  invite: tenantProcedure
    .meta({ permission: "auth:user:invite" })
    .input(InviteUserInput)
    .output(InviteResult)
    .mutation(({ ctx, input }) => inviteUser({ ctx, input })),
  update: tenantProcedure
    .meta({ permission: "auth:user:update" })
    .input(UpdateUserInput)
    .output(UserResult)
    .mutation(({ ctx, input }) => updateUser({ ctx, input })),
  /** Another user's e-mail and/or mobile (never one's own, never a user holding more than the caller). */
  changeContact: tenantProcedure
    .meta({ permission: "auth:user:change-contact" })
    .input(ChangeUserContactInput)
    .output(UserResult)
    .mutation(({ ctx, input }) => changeUserContact({ ctx, input })),
  deactivate: tenantProcedure
    .meta({ permission: "auth:user:deactivate" })
    .input(DeactivateUserInput)
    .output(UserResult)
    .mutation(({ ctx, input }) => deactivateUser({ ctx, input })),
  /** Replaces the user's roles (only roles within the caller's own permissions). */
  assignRoles: tenantProcedure
    .meta({ permission: "auth:user:assign" })
    .input(AssignRolesInput)
    .output(AssignRolesResult)
    .mutation(({ ctx, input }) => assignRoles({ ctx, input })),
});
