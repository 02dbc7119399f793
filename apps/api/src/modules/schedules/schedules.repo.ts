import { type Prisma, type PrismaClient, RUN_CHANNEL } from '@slipway/db';

/**
 * The payload announced on the run channel when a schedule changes: the leader re-arms its
 * scheduler (server.ts routes it there instead of to the engine).
 */
export const SCHEDULES_CHANGED = 'schedules';

type Db = PrismaClient | Prisma.TransactionClient;

const withTarget = {
  pipeline: {
    select: {
      name: true,
      project: { select: { id: true, slug: true, workspace: { select: { id: true, slug: true } } } },
    },
  },
} as const satisfies Prisma.PipelineScheduleInclude;

/** What a fired tick left behind: the run it started, or why it started none. */
export type TickOutcome = { runNumber: number } | { error: string };

export function createSchedulesRepo(prisma: PrismaClient) {
  return {
    list(pipelineId: string, db: Db = prisma) {
      return db.pipelineSchedule.findMany({
        where: { pipelineId },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        include: withTarget,
      });
    },
    find(pipelineId: string, id: string, db: Db = prisma) {
      return db.pipelineSchedule.findFirst({ where: { id, pipelineId }, include: withTarget });
    },
    create(data: Prisma.PipelineScheduleUncheckedCreateInput, db: Db = prisma) {
      return db.pipelineSchedule.create({ data, include: withTarget });
    },
    update(id: string, data: Prisma.PipelineScheduleUncheckedUpdateInput, db: Db = prisma) {
      return db.pipelineSchedule.update({ where: { id }, data, include: withTarget });
    },
    delete(id: string, db: Db = prisma) {
      return db.pipelineSchedule.delete({ where: { id } });
    },
    /** Enabled schedules whose tick is due at `now`, oldest tick first. */
    async due(now: Date, take: number, db: Db = prisma) {
      return await db.pipelineSchedule.findMany({
        where: { enabled: true, nextRunAt: { lte: now } },
        orderBy: { nextRunAt: 'asc' },
        take,
        include: withTarget,
      });
    },
    /** The earliest tick of any enabled schedule (null: none). */
    async earliest(db: Db = prisma): Promise<Date | null> {
      const row = await db.pipelineSchedule.findFirst({
        where: { enabled: true, nextRunAt: { not: null } },
        orderBy: { nextRunAt: 'asc' },
        select: { nextRunAt: true },
      });
      return row?.nextRunAt ?? null;
    },
    /** The schedule as it is now if it is still enabled with `tick` due (null: edited since). */
    stillDue(id: string, tick: Date, db: Db = prisma) {
      return db.pipelineSchedule.findFirst({
        where: { id, enabled: true, nextRunAt: tick },
        include: withTarget,
      });
    },
    /**
     * Moves the schedule from tick `due` to `next`, recording what `due` did, only if `due`
     * is still its tick (compare-and-set): false when another pass or an edit moved it. An
     * edit that came while the tick's run was starting keeps its own next tick, but the run
     * is still recorded as the schedule's last one (unless a later tick's already is), so a
     * run never belongs to no schedule.
     */
    async claim(id: string, due: Date, next: Date | null, outcome: TickOutcome, db: Db = prisma) {
      const result = {
        lastFiredAt: due,
        ...('runNumber' in outcome
          ? { lastRunNumber: outcome.runNumber, lastError: null }
          : { lastError: outcome.error.slice(0, 2000) }),
      };
      const { count } = await db.pipelineSchedule.updateMany({
        where: { id, nextRunAt: due },
        data: { nextRunAt: next, ...result },
      });
      if (count === 1) return true;
      await db.pipelineSchedule.updateMany({
        where: { id, OR: [{ lastFiredAt: null }, { lastFiredAt: { lt: due } }] },
        data: result,
      });
      return false;
    },
    /** Tells the leading replica (maybe another) that schedules changed. */
    async announce(): Promise<void> {
      await prisma.$executeRaw`SELECT pg_notify(${RUN_CHANNEL}, ${SCHEDULES_CHANGED})`;
    },
    /** The user a schedule's runs act as, as the access checks need them. */
    findUser(id: string, db: Db = prisma) {
      return db.user.findUnique({
        where: { id },
        select: { id: true, username: true, platformAdmin: true, disabled: true },
      });
    },
  };
}

export type SchedulesRepo = ReturnType<typeof createSchedulesRepo>;
export type ScheduleRow = Awaited<ReturnType<SchedulesRepo['create']>>;
