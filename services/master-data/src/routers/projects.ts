import { ByIdInput } from "../domain/common.ts";
import {
  CreateFlatInput,
  createFlat,
  getFlat,
  ListFlatsInput,
  listFlats,
  UpdateFlatInput,
  updateFlat,
} from "../domain/projects/flats.ts";
import {
  archiveProject,
  CreateProjectInput,
  createProject,
  getProject,
  ListProjectsInput,
  listProjects,
  restoreProject,
  UpdateProjectInput,
  updateProject,
} from "../domain/projects/projects.ts";
import { FlatPage, FlatResult, ProjectResult } from "../domain/results.ts";
import { router, tenantProcedure } from "../trpc.ts";
import { recordProcedures } from "./records.ts";

export const projectsRouter = router(
  recordProcedures(
    "project",
    { create: CreateProjectInput, update: UpdateProjectInput, list: ListProjectsInput, row: ProjectResult },
    {
      create: createProject,
      get: getProject,
      list: listProjects,
      update: updateProject,
      archive: archiveProject,
      restore: restoreProject,
    },
  ),
);

const can = (action: string) => tenantProcedure.meta({ permission: `master-data:flat:${action}` });

/** Real-estate inventory: flats of a project; their status moves available → booked → sold. */
export const flatsRouter = router({
  create: can("create")
    .input(CreateFlatInput)
    .output(FlatResult)
    .mutation(({ ctx, input }) => createFlat({ ctx, input })),
  get: can("read")
    .input(ByIdInput)
    .output(FlatResult)
    .query(({ ctx, input }) => getFlat({ ctx, input })),
  list: can("read")
    .input(ListFlatsInput)
    .output(FlatPage)
    .query(({ ctx, input }) => listFlats({ ctx, input })),
  update: can("update")
    .input(UpdateFlatInput)
    .output(FlatResult)
    .mutation(({ ctx, input }) => updateFlat({ ctx, input })),
});
