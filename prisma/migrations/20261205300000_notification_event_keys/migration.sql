-- One delivery per channel and event: a notification reported twice (a deploy job's start
-- repeated after a crash adopts its release and reports it again) is stored once.
ALTER TABLE "notification_deliveries" ADD COLUMN "event_key" VARCHAR(200);
CREATE UNIQUE INDEX "notification_deliveries_channel_id_event_key_key" ON "notification_deliveries"("channel_id", "event_key");
