-- A notification channel's URL is a secret (a Slack incoming-webhook URL carries its token):
-- stored encrypted from now on. Rows saved before keep their plain `url` (read as a fallback)
-- until their next save moves it here; the key lives outside the database, so SQL cannot.
ALTER TABLE "notification_channels" ADD COLUMN "url_encrypted" TEXT;
